import ChorusCore

/// The shape of a `fanout`, `rooms`, `ingest` or `count` run, built from the command line.
///
/// Both scenarios are the same machine: some rooms, each with viewers and publishers, and a
/// list of publish rates tried one step at a time. `fanout` is one big room, `rooms` is many
/// small ones, `ingest` is many rooms with many publishers each and few viewers.
struct LoadPlan {
    var scenario: String
    var endpoint: LoopbackEndpoint
    /// Where viewers connect, in turn (`endpoint` first, then `--viewer-url`s: other nodes).
    var viewerEndpoints: [LoopbackEndpoint] = []
    var rooms: [String]
    var viewersPerRoom: Int
    var publishersPerRoom: Int
    /// Publish rate of each room, messages per second, one entry per step.
    var roomRates: [Double]
    var stepSeconds: Double
    /// After each step, how long to wait for the step's last deliveries.
    var drainSeconds: Double
    var p99BoundMs: Double
    var minDeliveryPercent: Double
    var serverPID: Int32?
    var connectTimeoutSeconds: Double
    var pool: ConnectionPool.Options
    var useBatchCache: Bool
    /// Hard limit for the whole run; the bench reports what it has when it passes.
    var deadlineSeconds: Double
    /// Chat texts publishers cycle through (UTF-8); empty means the English default.
    var chatTexts: [[UInt8]] = []
    /// `count` has no receive-only viewers: its publishers are the room's only members.
    var minViewersPerRoom = 1
    /// What publishers receive: every batch of their room (viewers who chat), or nothing
    /// (`feed=none`: send-only connections, the `ingest` default).
    var publisherFeed = ViewerFeed.all
    /// The WebSocket subprotocol publishers ask for (`chorus.ingest`: heavy senders), if any.
    var publisherSubprotocol: String?
    /// What answers at `endpoint`: chorusd, or a plain pub/sub relay to compare it with.
    var server = ServerKind.chorus

    var totalConnections: Int { rooms.count * (viewersPerRoom + publishersPerRoom) }

    /// Checks the bounds every run must respect.
    func validate() throws(BenchError) {
        guard !rooms.isEmpty, viewersPerRoom >= minViewersPerRoom, publishersPerRoom >= 1 else {
            throw .invalidOption(
                name: "rooms/viewers/publishers", reason: "each must be ≥ 1 (viewers ≥ \(minViewersPerRoom))")
        }
        let limit = ResourceLimits.maxConnections
        guard totalConnections <= limit else {
            throw .invalidOption(
                name: "connections",
                reason: "\(totalConnections) exceeds this process's descriptor budget \(limit)")
        }
        guard !roomRates.isEmpty, roomRates.allSatisfy({ $0 > 0 && $0 <= 1_000_000 }) else {
            throw .invalidOption(name: "--rates", reason: "give 1–1,000,000 msg/s per step")
        }
        guard stepSeconds > 0, stepSeconds <= 600 else {
            throw .invalidOption(name: "--seconds", reason: "must be in (0, 600]")
        }
        guard deadlineSeconds > 0 else {
            throw .invalidOption(name: "--max-seconds", reason: "must be positive")
        }
        guard server == .chorus || (publisherSubprotocol == nil && publisherFeed == .all) else {
            throw .invalidOption(
                name: "--server", reason: "a plain server has no subprotocols and no feed choice")
        }
    }

    /// A deadline that fits the plan: connect budget, every step with its drain, and margin.
    static func defaultDeadline(
        connectTimeout: Double, steps: Int, stepSeconds: Double, drainSeconds: Double
    ) -> Double {
        connectTimeout + Double(steps) * (stepSeconds + drainSeconds + 1) + 10
    }
}
