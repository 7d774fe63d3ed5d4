import Foundation

/// Prints results: a table for people on stdout, then one `RESULT {json}` line for scripts.
///
/// Progress and notes go to stderr, so `chorus-bench … | grep '^RESULT '` is all a script needs.
enum ReportPrinter {
    static func printLoad(_ report: LoadRunReport) {
        let header: [(String, Int)] = [
            ("step", 4), ("rate/s", 8), ("sent", 8), ("accept", 8), ("viewers", 7),
            ("expected", 11), ("received", 11), ("deliv%", 8), ("deliv/s", 10), ("p50ms", 8),
            ("p99ms", 8), ("maxms", 8), ("dup", 5), ("gap", 5), ("ooo", 5), ("missed", 7),
            ("srvCPU%", 8), ("srvMB", 7), ("benchCPU%", 10), ("otherCPU%", 10), ("result", 7),
        ]
        // A plain relay has no sequence numbers: its dup/gap/ooo/missed were not checked.
        let checksSequence = ServerKind(rawValue: report.server)?.hasSequenceNumbers ?? true
        let sequenceCell = { (value: Int) in checksSequence ? "\(value)" : "n/a" }
        print(
            "\(report.scenario) on \(report.server): \(report.rooms) room(s) × \(report.viewersPerRoom) viewers + "
                + "\(report.publishersPerRoom) publisher(s), \(report.url), "
                + "\(report.stepSeconds) s/step, p99 bound \(report.p99BoundMs) ms")
        print(header.map { Format.column($0.0, $0.1) }.joined(separator: " "))
        for step in report.steps {
            let cells: [String] = [
                "\(step.step)", Format.fixed(step.rate, 0), "\(step.sent)", "\(step.accepted)",
                "\(step.viewers)", "\(step.expectedDeliveries)", "\(step.receivedDeliveries)",
                Format.fixed(step.deliveryPercent, 2), Format.fixed(step.deliveriesPerSecond, 0),
                Format.fixed(step.p50Ms, 1), Format.fixed(step.p99Ms, 1),
                Format.fixed(step.maxMs, 1), sequenceCell(step.duplicateSeqs), sequenceCell(step.gapSeqs),
                sequenceCell(step.outOfOrderBatches), sequenceCell(step.missedSeqs),
                step.serverCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.serverRSSMB.map { Format.fixed($0, 0) } ?? "-",
                step.benchCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.otherCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.passed ? "ok" : "FAIL",
            ]
            print(zip(cells, header).map { Format.column($0, $1.1) }.joined(separator: " "))
        }
        printFooter(report)
    }

    /// Connect summary, stop reason and the `RESULT` line, after a load table.
    static func printFooter(_ report: LoadRunReport) {
        print(connectLine(report.connect, dropped: report.droppedConnections))
        if let tls = report.tls { print("tls: \(tls)") }
        if let reason = report.stopReason { print("stopped: \(reason)") }
        printResult(report)
    }

    static func connectLine(_ connect: LoadRunReport.Connect, dropped: Int) -> String {
        "connect: \(connect.welcomed)/\(connect.wanted) welcomed in \(Format.fixed(connect.seconds, 1)) s, "
            + "\(connect.failed) failed; dropped during run: \(dropped)"
    }

    /// One line per step for the progress log.
    static func stepLine(_ step: StepReport) -> String {
        "step \(step.step) \(Format.fixed(step.rate, 0)) msg/s: sent \(step.sent), "
            + "accepted \(step.accepted), delivered \(step.receivedDeliveries)/"
            + "\(step.expectedDeliveries) (\(Format.fixed(step.deliveryPercent, 2)) %), "
            + "p50/p99/max \(Format.fixed(step.p50Ms, 1))/\(Format.fixed(step.p99Ms, 1))/"
            + "\(Format.fixed(step.maxMs, 1)) ms, rx \(Format.fixed(step.receivedMBPerSecond, 0)) MB/s"
            + (step.passed ? "" : " — FAIL: \(step.failure ?? "")")
    }

    /// Prints `RESULT ` (or `prefix`) followed by `value` as single-line JSON, sorted keys.
    static func printResult(_ value: some Encodable, prefix: String = "RESULT ") {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            print(prefix + "{\"error\":\"could not encode the report\"}")
            return
        }
        print(prefix + String(decoding: data, as: UTF8.self))
        fflush(nil)
    }
}
