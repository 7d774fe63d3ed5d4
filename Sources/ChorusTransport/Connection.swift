import ChorusCore

/// Per-connection state kept by its service thread (the lws `wsi` is only valid there).
struct Connection {
    let wsi: OpaquePointer
    var role: Role?
    /// Viewers only.
    var author: Author?
    var room: String?
    /// Viewers only: languages their recent chat was reliably tagged with, a prior for the next.
    var recentLanguages = RecentLanguages()
    /// A text message being reassembled from fragments.
    var receiveBuffer: [UInt8] = []
    /// Set when the message being received passed the size limit; the rest is discarded.
    var discardingOversize = false
    var invalidFrames = 0
    /// Set when the connection is to be closed. A reference, not an inline tuple: every idle
    /// connection carries this field, few ever use it (bytes per idle connection matter).
    var closeRequest: CloseRequest?
    /// Close with 1001 once everything queued is written (graceful stop).
    var closeWhenFlushed = false
    var counted = false

    init(wsi: OpaquePointer) {
        self.wsi = wsi
    }
}

/// Close with `code`: at the next writable callback, or once the queue is written when
/// `flushFirst` (so a client closed for bad input still reads every error frame).
final class CloseRequest {
    let code: UInt16
    let reason: String
    let flushFirst: Bool

    init(code: UInt16, reason: String, flushFirst: Bool) {
        self.code = code
        self.reason = reason
        self.flushFirst = flushFirst
    }
}

/// Close codes Chorus sends (see docs/protocol.md).
enum CloseCode {
    static let goingAway: UInt16 = 1001
    static let tryAgainLater: UInt16 = 1013
    static let badRequest: UInt16 = 4000
    static let unauthorized: UInt16 = 4003
    static let unknownRoom: UInt16 = 4004
    static let tooManyErrors: UInt16 = 4009
}
