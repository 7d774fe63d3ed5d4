import ChorusCore

/// Per-connection state kept by its service thread (the lws `wsi` is only valid there).
struct Connection {
    let wsi: OpaquePointer
    var role: Role?
    /// Viewers only.
    var author: Author?
    var room: String?
    /// Consoles only.
    var token: ConsoleToken?
    /// A text message being reassembled from fragments.
    var receiveBuffer: [UInt8] = []
    /// Set when the message being received passed the size limit; the rest is discarded.
    var discardingOversize = false
    var invalidFrames = 0
    /// Close with this code: at the next writable callback, or once the queue is written
    /// when `flushFirst` (so a client closed for bad input still reads every error frame).
    var closeRequest: (code: UInt16, reason: String, flushFirst: Bool)?
    /// Close with 1001 once everything queued is written (graceful stop).
    var closeWhenFlushed = false
    var counted = false

    init(wsi: OpaquePointer) {
        self.wsi = wsi
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
