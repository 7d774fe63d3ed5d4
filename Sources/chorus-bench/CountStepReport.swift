/// The figures of one step (one aggregate interaction rate) of `count`, as printed and as JSON.
struct CountStepReport: Codable, JudgedStep {
    var step: Int
    /// Aggregate interaction rate over all publishers, per second.
    var rate: Double
    var seconds: Double
    var sent: Int
    /// Interactions of this step acknowledged by the end of its grace period (--drain-seconds).
    var acked: Int
    var ackPercent: Double
    /// Acknowledged per second of the send window (the daemon's counting rate).
    var acksPerSecond: Double
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var p999Ms: Double
    var maxMs: Double
    var anomalies: CountStepCounters.Anomalies
    /// Batches the publishers received as room members, and `missed` frames among them.
    var batchesReceived: Int
    var missedFrames: Int
    var maxSendLagMs: Double
    var maxLoopMs: Double
    var serverCPUPercent: Double?
    var serverRSSMB: Double?
    var serverThreadCPUPercent: [String: Double]?
    /// Server CPU time during the send window divided by the interactions acknowledged, µs.
    var serverCPUMicrosPerAck: Double?
    var benchCPUPercent: Double?
    var otherCPUPercent: Double?
    var passed = true
    var failure: String?

    init(number: Int, rate: Double, counters: CountStepCounters, pacer: PublisherPacer, resources: StepResources) {
        let seconds = MonotonicClock.seconds(from: pacer.start, to: pacer.sendEnd)
        step = number
        self.rate = rate
        self.seconds = Format.round(seconds, 2)
        sent = counters.sent
        acked = counters.acked
        ackPercent = Format.round(sent > 0 ? Double(acked) / Double(sent) * 100 : 0, 3)
        acksPerSecond = Format.round(seconds > 0 ? Double(acked) / seconds : 0, 0)
        let latency = counters.ackLatency
        p50Ms = Format.round(StepReport.milliseconds(latency, percentile: 50), 2)
        p90Ms = Format.round(StepReport.milliseconds(latency, percentile: 90), 2)
        p99Ms = Format.round(StepReport.milliseconds(latency, percentile: 99), 2)
        p999Ms = Format.round(StepReport.milliseconds(latency, percentile: 99.9), 2)
        maxMs = Format.round(StepReport.maxMs(latency), 2)
        anomalies = counters.anomalies
        batchesReceived = counters.batches
        missedFrames = counters.missedFrames
        maxSendLagMs = Format.round(Double(pacer.maxLag) / 1e6, 2)
        maxLoopMs = Format.round(Double(pacer.maxLoopGap) / 1e6, 2)
        serverCPUPercent = resources.serverCPUPercent
        serverRSSMB = resources.serverRSSMB
        serverThreadCPUPercent = resources.serverThreadCPUPercent
        if let cpu = resources.serverCPUPercent, acked > 0 {
            serverCPUMicrosPerAck = Format.round(cpu / 100 * seconds * 1e6 / Double(acked), 2)
        }
        benchCPUPercent = resources.benchCPUPercent
        otherCPUPercent = resources.otherCPUPercent
    }

    /// A step passes when at least `minAckPercent` of what it sent was acknowledged within the
    /// step and its grace, the ack p99 is within the bound, nothing breached the ack contract, and
    /// every due interaction could be sent.
    mutating func judge(minAckPercent: Double, p99BoundMs: Double, unsent: Int) {
        var failures: [String] = []
        if ackPercent < minAckPercent {
            failures.append("acked \(Format.fixed(ackPercent, 2)) % < \(minAckPercent) %")
        }
        if p99Ms > p99BoundMs {
            failures.append("ack p99 \(Format.fixed(p99Ms, 1)) ms > \(p99BoundMs) ms")
        }
        if anomalies.total > 0 {
            failures.append("anomalies: \(anomalies.summary)")
        }
        if unsent > 0 {
            failures.append("\(unsent) interactions not sent (publisher connection closed)")
        }
        passed = failures.isEmpty
        failure = failures.isEmpty ? nil : failures.joined(separator: "; ")
    }
}
