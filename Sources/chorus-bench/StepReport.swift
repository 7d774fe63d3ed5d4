import Histogram

/// The figures of one step (one publish rate) of `fanout`, `rooms` or `ingest`, as printed and as JSON.
struct StepReport: Codable, JudgedStep {
    var step: Int
    /// Aggregate publish rate over all publishers, messages per second.
    var rate: Double
    var seconds: Double
    var sent: Int
    /// Messages seen in at least one batch; sent minus accepted were lost before broadcast.
    var accepted: Int
    /// Accepted messages per second of the send window (the daemon's ingest rate).
    var acceptedPerSecond: Double
    /// Accepted as a percentage of sent.
    var acceptedPercent: Double
    var viewers: Int
    /// Sum over accepted messages of the viewers in the message's room.
    var expectedDeliveries: Int
    var receivedDeliveries: Int
    var deliveryPercent: Double
    var deliveriesPerSecond: Double
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var p999Ms: Double
    var maxMs: Double
    /// Publisher's own message back (send → receipt on the same connection), p99.
    var echoP99Ms: Double
    var duplicateSeqs: Int
    var gapSeqs: Int
    var outOfOrderBatches: Int
    var missedFrames: Int
    var missedSeqs: Int
    /// Viewers with at least one gap, duplicate or out-of-order batch since the run began.
    var viewersWithAnomalies: Int
    var serverErrors: Int
    var malformedBatches: Int
    var receivedMBPerSecond: Double
    /// How far behind its schedule the bench sent (high values: the bench is saturated).
    var maxSendLagMs: Double
    /// Longest single pass of the bench's event loop while sending (a stall adds latency).
    var maxLoopMs: Double
    var serverCPUPercent: Double?
    var serverRSSMB: Double?
    /// Server CPU per thread (`chorus-svc-N` are the service threads), percent of one core.
    var serverThreadCPUPercent: [String: Double]?
    /// Server CPU time during the send window divided by the messages accepted, µs.
    var serverCPUMicrosPerMessage: Double?
    /// Server CPU time during the send window divided by the deliveries to viewers, µs: what a
    /// fanout costs per copy, comparable across servers that batch and servers that do not.
    var serverCPUMicrosPerDelivery: Double?
    var benchCPUPercent: Double?
    /// CPU used on the machine by everything else during the step, percent of one core (with
    /// no --server-pid this includes the server). High values: the run competed for cores.
    var otherCPUPercent: Double?
    var passed: Bool
    var failure: String?

    /// Percentiles of a latency histogram recorded in microseconds, in milliseconds.
    static func milliseconds(_ histogram: Histogram<UInt64>, percentile: Double) -> Double {
        guard histogram.totalCount > 0 else { return 0 }
        return Double(histogram.valueAtPercentile(percentile)) / 1_000
    }

    static func maxMs(_ histogram: Histogram<UInt64>) -> Double {
        histogram.totalCount > 0 ? Double(histogram.max) / 1_000 : 0
    }
}

/// The whole result of a `fanout` or `rooms` run: the `RESULT` JSON line.
struct LoadRunReport: Codable {
    struct Connect: Codable {
        var wanted: Int
        var welcomed: Int
        var failed: Int
        var seconds: Double
        var failures: [String: Int]
    }

    var scenario: String
    /// `chorus` or `plain` (a pub/sub relay measured for comparison; see `ServerKind`).
    var server: String
    var url: String
    var rooms: Int
    var viewersPerRoom: Int
    var publishersPerRoom: Int
    /// `all` or `none`: whether publishers received their room's batches.
    var publisherFeed: String
    /// The subprotocol publishers negotiated (`chorus.ingest`), or nil for the default.
    var publisherSubprotocol: String?
    var stepSeconds: Double
    var p99BoundMs: Double
    var batchCache: Bool
    /// Whether the bench polled without sleeping (`--spin`).
    var clientSpins: Bool
    var serverPID: Int32?
    var connect: Connect
    var steps: [StepReport]
    var stopReason: String?
    var droppedConnections: Int
    var closes: [String: Int]
    /// Protocol, cipher, key exchange and server key of a wss:// run (nil for ws://).
    var tls: TLSSessionInfo? = nil
}
