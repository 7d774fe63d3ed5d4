/// Turns a step's raw counters and process samples into a `StepReport` and judges it.
enum StepReportBuilder {
    static func build(
        number: Int, rate: Double, seconds: Double, counters: StepCounters, viewers: Int,
        sequence: SequenceTracker.Counters, viewersWithAnomalies: Int, bytesDuringSend: Int,
        maxSendLag: UInt64, maxLoopGap: UInt64, resources: StepResources
    ) -> StepReport {
        let percent =
            counters.expected > 0
            ? Double(counters.received) / Double(counters.expected) * 100 : 0
        let latency = counters.latency
        var microsPerMessage: Double?
        var microsPerDelivery: Double?
        if let cpu = resources.serverCPUPercent {
            let cpuMicroseconds = cpu / 100 * seconds * 1e6
            if counters.accepted > 0 { microsPerMessage = Format.round(cpuMicroseconds / Double(counters.accepted), 2) }
            if counters.received > 0 {
                microsPerDelivery = Format.round(cpuMicroseconds / Double(counters.received), 3)
            }
        }
        return StepReport(
            step: number, rate: rate, seconds: Format.round(seconds, 2), sent: counters.sent,
            accepted: counters.accepted,
            acceptedPerSecond: Format.round(seconds > 0 ? Double(counters.accepted) / seconds : 0, 0),
            acceptedPercent: Format.round(
                counters.sent > 0 ? Double(counters.accepted) / Double(counters.sent) * 100 : 0, 3),
            viewers: viewers,
            expectedDeliveries: counters.expected, receivedDeliveries: counters.received,
            deliveryPercent: Format.round(percent, 3),
            deliveriesPerSecond: Format.round(seconds > 0 ? Double(counters.received) / seconds : 0, 0),
            p50Ms: Format.round(StepReport.milliseconds(latency, percentile: 50), 2),
            p90Ms: Format.round(StepReport.milliseconds(latency, percentile: 90), 2),
            p99Ms: Format.round(StepReport.milliseconds(latency, percentile: 99), 2),
            p999Ms: Format.round(StepReport.milliseconds(latency, percentile: 99.9), 2),
            maxMs: Format.round(StepReport.maxMs(latency), 2),
            echoP99Ms: Format.round(StepReport.milliseconds(counters.echoLatency, percentile: 99), 2),
            duplicateSeqs: sequence.duplicateSeqs, gapSeqs: sequence.gapSeqs,
            outOfOrderBatches: sequence.outOfOrderBatches, missedFrames: sequence.missedFrames,
            missedSeqs: sequence.missedSeqs, viewersWithAnomalies: viewersWithAnomalies,
            serverErrors: counters.serverErrors, malformedBatches: counters.malformedBatches,
            receivedMBPerSecond: Format.round(
                seconds > 0 ? Double(bytesDuringSend) / seconds / 1_048_576 : 0, 1),
            maxSendLagMs: Format.round(Double(maxSendLag) / 1e6, 2),
            maxLoopMs: Format.round(Double(maxLoopGap) / 1e6, 2),
            serverCPUPercent: resources.serverCPUPercent, serverRSSMB: resources.serverRSSMB,
            serverThreadCPUPercent: resources.serverThreadCPUPercent,
            serverCPUMicrosPerMessage: microsPerMessage, serverCPUMicrosPerDelivery: microsPerDelivery,
            benchCPUPercent: resources.benchCPUPercent,
            otherCPUPercent: resources.otherCPUPercent,
            passed: true, failure: nil)
    }

    /// Applies the stop criteria: delivery below the floor, p99 above the bound, messages the
    /// server never broadcast, or messages the bench could not send.
    static func judge(
        _ report: inout StepReport, minDeliveryPercent: Double, p99BoundMs: Double, unsent: Int
    ) {
        var failures: [String] = []
        if report.deliveryPercent < minDeliveryPercent {
            failures.append(
                "delivery \(Format.fixed(report.deliveryPercent, 2)) % < \(minDeliveryPercent) %")
        }
        if report.p99Ms > p99BoundMs {
            failures.append("p99 \(Format.fixed(report.p99Ms, 1)) ms > \(p99BoundMs) ms")
        }
        if report.acceptedPercent < minDeliveryPercent {
            failures.append(
                "only \(Format.fixed(report.acceptedPercent, 2)) % of sent messages broadcast")
        }
        if unsent > 0 {
            failures.append("\(unsent) messages not sent (publisher connection closed)")
        }
        report.passed = failures.isEmpty
        report.failure = failures.isEmpty ? nil : failures.joined(separator: "; ")
    }
}
