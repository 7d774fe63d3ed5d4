/// Every setting of the daemon, with its default. Only the executable reads files, the
/// environment and flags; everything else receives this tree, validated. Each field has one
/// entry in `settings` (`ChorusConfig+Settings.swift`), which parses, checks and documents it.
///
/// Durations are whole numbers with their unit at the end of the name, the same in keys and
/// here (`Ms`, `Seconds`, `Minutes`), because users' files name them; the core converts them
/// to nanoseconds once, in `Hub.Configuration(_:shardCount:)`.
public struct ChorusConfig: Sendable, Equatable {
    public struct Listen: Sendable, Equatable {
        /// Loopback by default: exposing a relay is an operator's decision.
        public var host = "127.0.0.1"
        public var port = 8080
    }

    public enum EventLoop: String, Sendable, CaseIterable {
        case poll, libev
    }

    public struct Transport: Sendable, Equatable {
        /// Service threads, each with its own libwebsockets context on the shared port;
        /// 0 means one per online CPU (Debian's lws runs one service thread per context).
        public var serviceThreads = 0
        /// libev (epoll) by default: lws's poll() loop scans every socket each pass and, with
        /// 15,000 idle viewers, takes a whole core to serve one busy room (docs/performance.md).
        public var eventLoop = EventLoop.libev
        /// Seconds between WebSocket pings on an idle connection; a peer that does not
        /// answer within the same time again is closed.
        public var pingIntervalSeconds = 30
        /// Seconds a connection may have frames queued without any write going out before it is
        /// dropped: a phone whose TCP window stays shut holds no queue past this (its queue is
        /// bounded anyway; this frees the connection). Longer than a network switch.
        public var writeTimeoutSeconds = 60
        /// Batches waiting for the service threads to deliver, past which connections that send
        /// are no longer read until the backlog is below half of it (TCP then pushes back on
        /// the publishers). At 50 ms windows, 4,096 is seconds of every room flushing. 0: off.
        public var ingressHighWatermark = 4096
        /// Write a frame at once when the socket has room instead of waiting for a writable
        /// callback (instead of a loop pass and two epoll_ctl calls per write).
        public var directWrites = true
        /// Receive buffer of connections that negotiate the `chorus.ingest` subprotocol (heavy
        /// senders): lws reads a connection this many bytes at a time and keeps the buffer per
        /// connection. Other connections get 64 bytes, which keeps an idle phone light.
        public var ingestReceiveBufferBytes = 4096
    }

    public struct Batch: Sendable, Equatable {
        /// 256 messages keep a batch frame under ~30 KB, one write per viewer well under the
        /// socket buffer; a cap of 64 made a 3,000 msg/s room flush 47 times a second and cost
        /// 45 % more CPU per delivery than one flush per window (docs/performance.md).
        public var maxMessages = 256
        /// 50 ms is below what a viewer perceives as chat lag yet folds a 1,000 msg/s room
        /// into 20 writes per viewer per second instead of 1,000.
        public var maxDelayMs = 50
        /// A message reaching a room that flushed nothing for a whole window leaves at once
        /// instead of waiting for the window to fill; the window then runs from that flush, so
        /// a busy room still sends one batch per window. In 200 rooms × 20 viewers at 5 msg/s a
        /// window almost never held more than one message, and every message waited all of it.
        public var leadingEdge = true
    }

    public struct Limits: Sendable, Equatable {
        /// Largest client frame; a larger one is discarded with a `too_large` error.
        public var maxMessageBytes = 4096
        /// Longest chat text in characters (grapheme clusters, as a person counts them).
        public var maxChatChars = 500
        /// Longest chat text in UTF-8 bytes: four per character of the default, so only text
        /// whose characters are each built of many scalars meets it before `maxChatChars`.
        public var maxChatBytes = 2000
        /// Most combining marks one character of a chat text may carry: Vietnamese needs two,
        /// Tibetan stacks and Hebrew with cantillation a few more; a "Zalgo" flood has dozens.
        public var maxMarksPerCharacter = 8
        /// Outbound bytes a viewer may have waiting before its oldest batches are dropped:
        /// about 25 full batches, a second of a busy room.
        public var viewerQueueBytes = 256 * 1024
        /// Bytes of gifts and shopping actions a viewer may have waiting past
        /// `viewerQueueBytes` once all its chat has been shed: those are never dropped, so a
        /// viewer that falls this far behind is closed with 4001 (it can resume with `since`).
        public var viewerCommerceBytes = 128 * 1024
        /// Outbound bytes a console may have waiting before it is closed with 4001.
        public var consoleQueueBytes = 8 * 1024 * 1024
        /// Invalid frames one connection may send before it is closed with 4009.
        public var maxErrorsPerConnection = 20
        /// Open WebSocket connections per process; further ones are closed with 1013.
        /// Below the 20,000 open-file limit so the daemon keeps descriptors for itself.
        public var maxConnections = 19_500
        /// Open WebSocket connections per client IP address; further ones are closed with 4029.
        /// High because a carrier's NAT puts many phones behind one address; 0: no limit.
        public var maxConnectionsPerIP = 500
        /// Seconds a connection has to complete its HTTP request (upgrade or plain) before it is closed.
        public var handshakeTimeoutSeconds = 10
        /// Bytes of request line and headers the library holds while it parses a request.
        public var maxRequestHeadBytes = 16384
        /// Library (lws) log lines written per second; the rest are counted and summarised.
        public var libraryLogLinesPerSecond = 20
        /// Chat messages one connection may send per `chatWindowSeconds`, all at once if it
        /// likes (Twitch allows 20 per 30 s); then one more every window / count. 0: no limit.
        public var chatPerWindow = 20
        public var chatWindowSeconds = 30
        /// Like frames per second and burst. High, yet clients should aggregate taps into
        /// `count` (up to 100 per frame), which costs one token. 0 per second: no limit.
        public var likesPerSecond = 20
        public var likeBurst = 60
        /// Cart, purchase and coupon frames together: a shopper never needs more, and an accepted
        /// one is never lost, so a client hammering them is refused before it is counted.
        public var commercePerSecond = 5
        public var commerceBurst = 20
        public var giftsPerSecond = 5
        public var giftBurst = 20
        /// Throttled interactions a connection may send within `throttleWindowSeconds`; the next
        /// one closes it with 4008 (a client that ignores `retryAfterMs`).
        public var throttledBeforeClose = 50
        public var throttleWindowSeconds = 30
    }

    public struct Rooms: Sendable, Equatable {
        /// Rooms that always exist.
        public var staticRooms = ["lobby"]
        /// Whether any valid room name opens a room on first join.
        public var autoCreate = false
        /// How long a room with no members lives on.
        public var idleSeconds = 600
        /// Messages of recent history a room keeps for clients resuming with `since`: about
        /// 1.3 s of a 3,000 msg/s show, or the last 13 minutes of a room at 5 msg/s.
        /// Roughly 300 bytes each, so 1.2 MB for a full room; 0 turns resume off.
        public var historyMessages = 4096
        /// Oldest history kept, whatever the count: long enough for a phone to reconnect after
        /// a network switch or a console after a restart.
        public var historySeconds = 120
    }

    public struct Language: Sendable, Equatable {
        public enum Engine: String, Sendable {
            /// Chorus's own word and n-gram model (docs/language-tagging.md).
            case model
            /// CLD2 with Chorus's hint handling: the previous engine, kept for comparison.
            case cld2
        }

        public var engine = Engine.model
        /// Languages a chat message may be tagged with (ISO 639-1); anything else is tagged as
        /// the closest of these. The default is the product's twenty locales.
        public var candidates = [
            "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk",
            "tr", "ar", "he", "ja", "ko", "th", "vi", "id", "zh", "hi",
        ]
    }

    public struct Storage: Sendable, Equatable {
        public enum Engine: String, Sendable {
            /// `<stateDir>/counters.sqlite3`, WAL, group commits: counts survive restarts and
            /// crashes, and acks wait for the commit.
            case sqlite
            /// Counts in memory only, acks at once (tests, throwaway runs).
            case memory
        }

        public var engine = Engine.sqlite
        /// Longest wait between an interaction and the commit that stores it (and its ack):
        /// one transaction per interval, however many interactions arrived.
        public var commitIntervalMs = 20
        /// Longest wait for counts no ack or idempotency key waits on (interactions sent without
        /// `ack`): they are stored in fewer, larger commits. A crash loses at most this much of
        /// them; acknowledged interactions are never lost.
        public var quietCommitIntervalMs = 250
        /// fsync every commit (survives power loss; without it, commits survive the daemon
        /// being killed, which is what the OS page cache guarantees).
        public var syncEveryCommit = false
        /// How long an interaction's idempotency key is remembered: a retry with the same key
        /// in the same room within this time is acked again (with the first `seq`) and not
        /// counted. Keys are stored with their counts, so this holds across restarts.
        public var idempotencyWindowSeconds = 300
        /// At most this many keys are remembered (≈ 100 bytes each in memory); past it the
        /// oldest are forgotten early (`chorus_idempotency_keys_evicted_total`).
        public var idempotencyKeys = 200_000
    }

    public struct Stats: Sendable, Equatable {
        /// Minutes of per-minute counts kept (per room and for the node) for the stats API.
        public var seriesMinutes = 60
        /// How often each console gets a `stats` frame for each of its rooms (0: never).
        public var consoleIntervalMs = 1000
    }

    public struct Locales: Sendable, Equatable {
        /// Directory of the locale files (`<tag>.json`), re-read on SIGHUP. Empty: `Locales`
        /// in the working directory, then `../share/chorus/Locales` beside the executable,
        /// then `/usr/share/chorus/Locales`.
        public var directory = ""
    }

    public struct Console: Sendable, Equatable {
        /// HMAC secret for console tokens; nil means `<stateDir>/console.secret`, created once.
        public var secret: String?
    }

    public struct TLS: Sendable, Equatable {
        /// PEM certificate with its chain after it in the same file. Empty (the default): plain
        /// `ws://` and `http://`, for local use or behind a proxy that terminates TLS.
        public var certificateFile = ""
        /// PEM private key of `certificateFile`.
        public var privateKeyFile = ""
        /// 1.2 still admits older Android and in-app browsers (Mozilla's "intermediate"
        /// profile); 1.3 refuses them.
        public var minimumVersion = Version.tls12

        public enum Version: String, Sendable, CaseIterable {
            case tls12 = "1.2"
            case tls13 = "1.3"
        }

        /// Serving `wss://` and `https://`: both files are set (validation requires both or none).
        public var isEnabled: Bool { !certificateFile.isEmpty }
    }

    public struct Shutdown: Sendable, Equatable {
        /// Connections closed per wave on SIGTERM, across the node: a restart of a node with
        /// 20,000 viewers sends them back in 20 waves, not all in the same second.
        public var drainPerWave = 1000
        /// Time between waves: 20,000 viewers drain in about 5 s by default, within the unit's
        /// `TimeoutStopSec`.
        public var drainWaveIntervalMs = 250
    }

    public var listen = Listen()
    public var tls = TLS()
    public var shutdown = Shutdown()
    /// Where the daemon keeps its state (console secret, the counters database).
    public var stateDir = "chorus-state"
    /// trace, debug, info, notice, warning, error, critical.
    public var logLevel = "info"
    public var transport = Transport()
    public var batch = Batch()
    public var limits = Limits()
    public var rooms = Rooms()
    public var language = Language()
    public var console = Console()
    public var storage = Storage()
    public var cluster = Cluster()
    public var stats = Stats()
    public var locales = Locales()

    public init() {}

    /// Largest outbound queue budget: queues keep their sizes in 32 bits, and a viewer's budget
    /// plus its commerce allowance must stay under 2 GiB.
    public static let maxQueueBytes = 1 << 29

    /// The first value out of range, in `settings` order; the message names its key.
    public func validate() throws(ConfigError) {
        for setting in Self.settings {
            if let reason = setting.failure(self) { throw ConfigError(key: setting.key, reason: reason) }
        }
    }
}

/// A setting that is unknown, of the wrong type, or out of range.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "configuration '\(key)' \(reason)" }
}
