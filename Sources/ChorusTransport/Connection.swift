import ChorusCore

/// Per-connection state kept by its service thread (the lws `wsi` is only valid there, and
/// only that thread touches this object, through its `ConnectionTable`).
///
/// A class, not a struct: every message reads and updates it, and reading a struct out of
/// the connections dictionary copied all of it (retaining each field) several times per
/// message, ≈ 3,000 instructions of an ingested chat line.
final class Connection {
    /// Who the connection is once its handshake was accepted: a viewer's author (whose locale
    /// its notices are negotiated from), or a console's session. One field for both, so
    /// consoles' state costs viewers nothing.
    enum Identity {
        case viewer(Author)
        case console(ConsoleSession)
    }

    // Wide fields first, one-byte ones packed at the end: an idle viewer costs its instance
    // (≈ 190 bytes) and bytes per idle connection are a target (docs/performance.md).
    let wsi: OpaquePointer
    /// When a write last went out while more was queued, or the queue last started to fill
    /// (monotonic ns); 0 while nothing waits. The write-timeout sweep reads it.
    var writeProgressAt: UInt64 = 0
    /// Nil until the handshake is accepted.
    var identity: Identity?
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
    /// Set when the message being received passed the size limit; the rest is discarded.
    var discardingOversize = false
    /// Close with 1001 once everything queued is written (graceful stop).
    var closeWhenFlushed = false
    var counted = false
    /// Whether the peer answered since its last heartbeat ping (`HeartbeatSchedule`).
    var heartbeat = HeartbeatStanding.heard
    /// Invalid frames so far (the connection closes past `limits.maxErrorsPerConnection`).
    var invalidFrames: UInt32 = 0
    /// The text message being received, checked as it arrives (1007 at its first bad byte).
    var utf8 = UTF8Validator()
    /// The client sent its close frame: nothing it sends after it is processed (RFC 6455 5.5.1).
    var peerSentClose = false

    init(wsi: OpaquePointer) {
        self.wsi = wsi
    }

    var role: Role? {
        switch identity {
        case .viewer: .viewer
        case .console: .console
        case nil: nil
        }
    }

    var author: Author? {
        guard case .viewer(let author) = identity else { return nil }
        return author
    }

    var console: ConsoleSession? {
        guard case .console(let session) = identity else { return nil }
        return session
    }

    /// The BCP 47 tag its notices are negotiated from; nil before its handshake.
    var declaredLocale: String? {
        switch identity {
        case .viewer(let author): author.locale
        case .console(let session): session.locale
        case nil: nil
        }
    }
}

/// What a console connection keeps of its handshake: the token that says which rooms it may
/// subscribe to and set slow mode in, and the locale of its notices.
final class ConsoleSession {
    let token: ConsoleToken
    let locale: String

    init(token: ConsoleToken, locale: String) {
        self.token = token
        self.locale = locale
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
