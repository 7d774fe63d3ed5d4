import ChorusCore

/// Per-connection state kept by its service thread (the lws `wsi` is only valid there, and
/// only that thread touches this object).
///
/// A class, not a struct: every message reads and updates it, and reading a struct out of
/// the connections dictionary copied all of it (retaining each field) several times per
/// message, ≈ 3,000 instructions of an ingested chat line.
final class Connection {
    // Wide fields first, one-byte ones packed at the end: an idle viewer costs its instance
    // (≈ 190 bytes) and bytes per idle connection are a target (docs/performance.md).
    let wsi: OpaquePointer
    /// When a write last went out while more was queued, or the queue last started to fill
    /// (monotonic ns); 0 while nothing waits. The write-timeout sweep reads it.
    var writeProgressAt: UInt64 = 0
    /// Viewers only. Its `locale` is what their notices are negotiated from (consoles': the
    /// service thread's `consoleLocales`).
    var author: Author?
    /// Viewers only: languages their recent chat was reliably tagged with, a prior for the next.
    var recentLanguages = RecentLanguages()
    /// A text message being reassembled from fragments.
    var receiveBuffer: [UInt8] = []
    /// Set when the connection is to be closed. A reference, not an inline tuple: every idle
    /// connection carries this field, few ever use it (bytes per idle connection matter).
    var closeRequest: CloseRequest?
    /// Viewers only, created at their first interaction: most viewers only watch, and idle
    /// connections should not carry four token buckets.
    var rateLimits: RateLimitState?
    /// Counted in the relay's per-address table (`limits.maxConnectionsPerIP`); released on close.
    var peer: PeerAddress?
    var role: Role?
    /// Set when the message being received passed the size limit; the rest is discarded.
    var discardingOversize = false
    /// Close with 1001 once everything queued is written (graceful stop).
    var closeWhenFlushed = false
    var counted = false
    /// Whether the peer answered since its last heartbeat ping (`HeartbeatSchedule`).
    var heartbeat = HeartbeatStanding.heard
    /// Invalid frames so far (the connection closes past `limits.maxErrorsPerConnection`).
    var invalidFrames: UInt32 = 0

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

/// A viewer's rate limiter, by reference for the reason above. Its service thread only.
final class RateLimitState {
    var limiter = InteractionRateLimiter()
}

/// Close codes Chorus sends (see docs/protocol.md).
enum CloseCode {
    static let goingAway: UInt16 = 1001
    static let tryAgainLater: UInt16 = 1013
    static let badRequest: UInt16 = 4000
    static let unauthorized: UInt16 = 4003
    static let unknownRoom: UInt16 = 4004
    /// Kept sending interactions while throttled (`limits.throttledBeforeClose`).
    static let keptSendingWhileThrottled: UInt16 = 4008
    static let tooManyErrors: UInt16 = 4009
    /// Too many connections from the client's IP address (`limits.maxConnectionsPerIP`).
    static let tooManyFromAddress: UInt16 = 4029
}
