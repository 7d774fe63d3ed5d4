/// What a `hold` child reports to its parent on stdout (`CHILD {json}`).
struct HoldChildReport: Codable {
    var welcomed: Int
    var failures: [String: Int]
    /// Held connections that ended before the child was told to stop.
    var dropped: Int
    /// Deliveries of the parent's probe messages to this child's connections.
    var received: Int
    var p99Ms: Double
    var maxMs: Double
    var gapSeqs: Int
    var missedSeqs: Int
}

/// The result of `hold`: memory per connection and probe latency while N are held.
struct HoldReport: Codable {
    var url: String
    var room: String
    var connectionsWanted: Int
    var connectionsHeld: Int
    var failed: Int
    var failures: [String: Int]
    var processes: Int
    var connectSeconds: Double
    var holdSeconds: Double
    var serverPID: Int32?
    /// Server RSS with only the two probe connections open.
    var serverRSSBeforeMB: Double?
    /// Server RSS once every held connection was welcomed (after 1 s to settle).
    var serverRSSAfterMB: Double?
    /// Server RSS at the end of the hold.
    var serverRSSEndMB: Double?
    var serverPeakRSSMB: Double?
    /// (after − before) / held connections.
    var rssPerConnectionKB: Double?
    /// (end − before) / held connections: after the hold, so it includes whatever the daemon
    /// keeps per connection once ping rounds have run (hold longer than two ping intervals).
    var rssPerConnectionEndKB: Double?
    /// Server CPU while holding (idle connections plus the probes).
    var serverCPUPercent: Double?
    /// CPU of the bench and its children while holding.
    var benchCPUPercent: Double?
    /// CPU used by everything else on the machine during the hold, percent of one core.
    var otherCPUPercent: Double?
    /// RSS of the bench and its children at the end of the hold.
    var benchRSSMB: Double?
    var probesSent: Int
    var probesEchoed: Int
    /// Probe round trip: publisher sends, the same connection receives it in a batch.
    var probeP50Ms: Double
    var probeP99Ms: Double
    var probeMaxMs: Double
    /// Probe deliveries to every held connection and the probe viewer.
    var probeDeliveriesExpected: Int
    var probeDeliveriesReceived: Int
    /// p99 / max of those deliveries (for children: the worst child's figures).
    var probeFanoutP99Ms: Double
    var probeFanoutMaxMs: Double
    var droppedConnections: Int
    var gapSeqs: Int
    var missedSeqs: Int
    var stopReason: String?

    func printTable() {
        func megabytes(_ value: Double?) -> String { value.map { Format.fixed($0, 1) + " MB" } ?? "-" }
        print("hold: \(connectionsHeld)/\(connectionsWanted) connections in room \(room), \(url)")
        let rows: [(String, String)] = [
            ("processes", "\(processes)"),
            ("connect time", Format.fixed(connectSeconds, 1) + " s"),
            ("failed connects", "\(failed)" + (failures.isEmpty ? "" : " \(failures)")),
            ("server RSS before", megabytes(serverRSSBeforeMB)),
            ("server RSS after connect", megabytes(serverRSSAfterMB)),
            ("server RSS at end", megabytes(serverRSSEndMB)),
            ("server RSS per connection", rssPerConnectionKB.map { Format.fixed($0, 2) + " KB" } ?? "-"),
            ("… at the end of the hold", rssPerConnectionEndKB.map { Format.fixed($0, 2) + " KB" } ?? "-"),
            ("server CPU while holding", serverCPUPercent.map { Format.fixed($0, 1) + " %" } ?? "-"),
            ("bench CPU while holding", benchCPUPercent.map { Format.fixed($0, 1) + " %" } ?? "-"),
            ("other CPU on the machine", otherCPUPercent.map { Format.fixed($0, 1) + " %" } ?? "-"),
            ("probes echoed", "\(probesEchoed)/\(probesSent)"),
            (
                "probe round trip p50/p99/max",
                "\(Format.fixed(probeP50Ms, 2))/\(Format.fixed(probeP99Ms, 2))/"
                    + "\(Format.fixed(probeMaxMs, 2)) ms"
            ),
            ("probe deliveries", "\(probeDeliveriesReceived)/\(probeDeliveriesExpected)"),
            (
                "probe fan-out p99/max",
                "\(Format.fixed(probeFanoutP99Ms, 2))/\(Format.fixed(probeFanoutMaxMs, 2)) ms"
            ),
            ("dropped during hold", "\(droppedConnections)"),
            ("gaps / missed seqs", "\(gapSeqs) / \(missedSeqs)"),
        ]
        for (name, value) in rows {
            print(name + String(repeating: " ", count: max(1, 30 - name.count)) + value)
        }
        if let stopReason { print("stopped: \(stopReason)") }
        ReportPrinter.printResult(self)
    }
}
