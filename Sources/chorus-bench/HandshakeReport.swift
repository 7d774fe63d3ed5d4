/// The result of `handshakes`: achieved rate, time to a usable connection, failures, and the
/// server's CPU per handshake over the window.
struct HandshakeReport: Codable {
    var scenario = "handshakes"
    var server: String
    var url: String
    /// New connections per second asked for; nil: as fast as `concurrency` allowed.
    var targetRate: Double?
    var concurrency: Int
    var windowSeconds: Double
    var started: Int
    /// Connections that reached their welcome (or upgrade, plain relay), window and drain.
    var completed: Int
    var completedInWindow: Int
    /// completedInWindow / windowSeconds.
    var ratePerSecond: Double
    var failed: Int
    var failures: [String: Int]
    /// Connect start to welcome, ms.
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var maxMs: Double
    /// Connect start to the end of the TLS handshake, ms (nil for ws://).
    var tlsP50Ms: Double?
    var tlsP99Ms: Double?
    var serverPID: Int32?
    var serverCPUPercent: Double?
    var serverCPUMicrosPerHandshake: Double?
    var benchCPUPercent: Double?
    var otherCPUPercent: Double?
    var tls: TLSSessionInfo?
    var stopReason: String?

    init(
        plan: HandshakePlan, recorder: HandshakeRecorder, started: Int, failures: [String: Int],
        windowSeconds: Double, resources: StepResources, tls: TLSSessionInfo?, stopReason: String?
    ) {
        server = plan.server.rawValue
        url = plan.endpoint.description
        targetRate = plan.isPaced ? plan.rate : nil
        concurrency = plan.concurrency
        self.windowSeconds = Format.round(windowSeconds, 2)
        self.started = started
        completed = recorder.completed
        completedInWindow = recorder.completedInWindow
        ratePerSecond = Format.round(Self.rate(completed: recorder.completedInWindow, seconds: windowSeconds), 1)
        failed = failures.values.reduce(0, +)
        self.failures = failures
        p50Ms = StepReport.milliseconds(recorder.total, percentile: 50)
        p90Ms = StepReport.milliseconds(recorder.total, percentile: 90)
        p99Ms = StepReport.milliseconds(recorder.total, percentile: 99)
        maxMs = StepReport.maxMs(recorder.total)
        if recorder.tls.totalCount > 0 {
            tlsP50Ms = StepReport.milliseconds(recorder.tls, percentile: 50)
            tlsP99Ms = StepReport.milliseconds(recorder.tls, percentile: 99)
        }
        serverPID = plan.serverPID
        serverCPUPercent = resources.serverCPUPercent
        serverCPUMicrosPerHandshake = resources.serverCPUPercent.flatMap {
            Self.cpuMicrosPerHandshake(cpuPercent: $0, seconds: windowSeconds, handshakes: recorder.completedInWindow)
        }.map { Format.round($0, 1) }
        benchCPUPercent = resources.benchCPUPercent
        otherCPUPercent = resources.otherCPUPercent
        self.tls = tls
        self.stopReason = stopReason
    }

    /// Handshakes per second; 0 for an empty window.
    static func rate(completed: Int, seconds: Double) -> Double {
        seconds > 0 ? Double(completed) / seconds : 0
    }

    /// CPU time per handshake in µs, from a CPU share (percent of one core) over `seconds`;
    /// nil without handshakes.
    static func cpuMicrosPerHandshake(cpuPercent: Double, seconds: Double, handshakes: Int) -> Double? {
        guard handshakes > 0 else { return nil }
        return cpuPercent / 100 * seconds / Double(handshakes) * 1e6
    }

    func printTable() {
        let target = targetRate.map { "\(Format.fixed($0, 0))/s paced" } ?? "as fast as possible"
        print("handshakes on \(server): \(url), \(target), at most \(concurrency) connecting")
        print(
            "window \(Format.fixed(windowSeconds, 1)) s: started \(started), completed \(completedInWindow) "
                + "(\(Format.fixed(ratePerSecond, 0))/s; \(completed) with the drain), failed \(failed)")
        print(
            "connect → welcome p50/p90/p99/max \(Format.fixed(p50Ms, 2))/\(Format.fixed(p90Ms, 2))/"
                + "\(Format.fixed(p99Ms, 2))/\(Format.fixed(maxMs, 2)) ms"
                + (tlsP99Ms.map {
                    "; connect → TLS done p50/p99 \(Format.fixed(tlsP50Ms ?? 0, 2))/\(Format.fixed($0, 2)) ms"
                }
                    ?? ""))
        let cpu = [
            serverCPUPercent.map { "server \(Format.fixed($0, 1)) %" },
            serverCPUMicrosPerHandshake.map { "\(Format.fixed($0, 0)) µs per handshake" },
            benchCPUPercent.map { "bench \(Format.fixed($0, 1)) %" },
            otherCPUPercent.map { "other \(Format.fixed($0, 1)) %" },
        ].compactMap { $0 }
        if !cpu.isEmpty { print("cpu: " + cpu.joined(separator: ", ")) }
        if let tls { print("tls: \(tls)") }
        for (reason, count) in failures.sorted(by: { $0.value > $1.value }) { print("failure: \(reason) ×\(count)") }
        if let stopReason { print("stopped: \(stopReason)") }
        ReportPrinter.printResult(self)
    }
}
