extension ReportPrinter {
    /// The `ingest` table: accepted rate and server cost per message first, deliveries after.
    static func printIngest(_ report: LoadRunReport) {
        let header: [(String, Int)] = [
            ("step", 4), ("rate/s", 8), ("sent", 9), ("accepted", 9), ("acc%", 7), ("acc/s", 8),
            ("deliv%", 7), ("p50ms", 7), ("p99ms", 7), ("maxms", 7), ("dup", 4), ("gap", 4),
            ("ooo", 4), ("missed", 6), ("srvCPU%", 7), ("srvMB", 6), ("µs/msg", 7),
            ("benchCPU%", 9), ("otherCPU%", 9), ("result", 6),
        ]
        print(
            "ingest: \(report.rooms) room(s) × (\(report.publishersPerRoom) publishers (feed=\(report.publisherFeed), "
                + "protocol \(report.publisherSubprotocol ?? "chorus.v1")) + "
                + "\(report.viewersPerRoom) readers), \(report.url), \(report.stepSeconds) s/step, "
                + "p99 bound \(report.p99BoundMs) ms")
        print(header.map { Format.column($0.0, $0.1) }.joined(separator: " "))
        for step in report.steps {
            let cells: [String] = [
                "\(step.step)", Format.fixed(step.rate, 0), "\(step.sent)", "\(step.accepted)",
                Format.fixed(step.acceptedPercent, 2), Format.fixed(step.acceptedPerSecond, 0),
                Format.fixed(step.deliveryPercent, 2), Format.fixed(step.p50Ms, 1),
                Format.fixed(step.p99Ms, 1), Format.fixed(step.maxMs, 1), "\(step.duplicateSeqs)",
                "\(step.gapSeqs)", "\(step.outOfOrderBatches)", "\(step.missedSeqs)",
                step.serverCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.serverRSSMB.map { Format.fixed($0, 0) } ?? "-",
                step.serverCPUMicrosPerMessage.map { Format.fixed($0, 2) } ?? "-",
                step.benchCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.otherCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.passed ? "ok" : "FAIL",
            ]
            print(zip(cells, header).map { Format.column($0, $1.1) }.joined(separator: " "))
        }
        printFooter(report)
    }
}
