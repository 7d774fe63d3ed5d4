extension ReportPrinter {
    /// The `count` table, the count check and the `RESULT` line.
    static func printCount(_ report: CountRunReport) {
        let header: [(String, Int)] = [
            ("step", 4), ("rate/s", 8), ("sent", 9), ("acked", 9), ("ack%", 8), ("acks/s", 8),
            ("p50ms", 7), ("p99ms", 7), ("maxms", 7), ("anom", 5), ("srvCPU%", 7), ("srvMB", 6),
            ("benchCPU%", 9), ("result", 6),
        ]
        print(
            "count: \(report.rooms) room(s), \(report.publishers) publishers with acks, \(report.url), "
                + "\(report.stepSeconds) s/step, p99 bound \(report.p99BoundMs) ms")
        print(header.map { Format.column($0.0, $0.1) }.joined(separator: " "))
        for step in report.steps {
            let cells: [String] = [
                "\(step.step)", Format.fixed(step.rate, 0), "\(step.sent)", "\(step.acked)",
                Format.fixed(step.ackPercent, 3), Format.fixed(step.acksPerSecond, 0),
                Format.fixed(step.p50Ms, 2), Format.fixed(step.p99Ms, 2), Format.fixed(step.maxMs, 1),
                "\(step.anomalies.total)", step.serverCPUPercent.map { Format.fixed($0, 0) } ?? "-",
                step.serverRSSMB.map { Format.fixed($0, 0) } ?? "-",
                step.benchCPUPercent.map { Format.fixed($0, 0) } ?? "-", step.passed ? "ok" : "FAIL",
            ]
            print(zip(cells, header).map { Format.column($0, $1.1) }.joined(separator: " "))
        }
        print(connectLine(report.connect, dropped: report.droppedConnections))
        if let reason = report.stopReason { print("stopped: \(reason)") }
        if report.reconnections > 0 {
            print(
                "reconnects: \(report.reconnections) publisher connection(s) welcomed again; "
                    + "\(report.resent) unacknowledged interaction(s) sent again, "
                    + "\(report.recognisedResends) of them already counted (acked as duplicates)")
        }
        let check = report.check
        print(
            "count check: exact \(check.exact); \(check.rooms) room(s), \(check.cellsChecked) counters; "
                + "sent \(report.sent), acked \(report.acked), unacked \(report.unacked) "
                + "(final wait \(Format.fixed(report.finalWaitSeconds, 2)) s)")
        for cell in check.mismatches {
            print(
                "  MISMATCH \(cell.room) \(cell.counter): counted \(cell.counted) (\(cell.before) → \(cell.after)), "
                    + "acked \(cell.acked), unacked \(cell.unacked)")
        }
        for cell in check.unacknowledged {
            print(
                "  unacked \(cell.room) \(cell.counter): \(cell.unacked), of which counted "
                    + "\(cell.counted - cell.acked)")
        }
        for error in check.errors { print("  ERROR \(error)") }
        printResult(report)
    }

    /// One line per step for the progress log.
    static func countStepLine(_ step: CountStepReport) -> String {
        "step \(step.step) \(Format.fixed(step.rate, 0))/s: sent \(step.sent), acked \(step.acked) "
            + "(\(Format.fixed(step.ackPercent, 2)) %), ack p50/p99/max \(Format.fixed(step.p50Ms, 2))/"
            + "\(Format.fixed(step.p99Ms, 2))/\(Format.fixed(step.maxMs, 1)) ms, anomalies \(step.anomalies.total)"
            + (step.passed ? "" : " — FAIL: \(step.failure ?? "")")
    }
}
