/// A step report with its verdict, as the stepped scenarios (`fanout`, `rooms`, `ingest`,
/// `count`) judge each rate.
protocol JudgedStep {
    var step: Int { get }
    var passed: Bool { get }
    var failure: String? { get }
}

extension JudgedStep {
    /// Runs `runStep(number, rate)` for each rate in turn, numbered from 1. Stops after the first
    /// step that fails, since the next, higher rate would only fail harder and take longer, or
    /// before a step when `stopReason()` gives a reason.
    static func runAll(
        rates: [Double], stopReason: () -> String?, _ runStep: (_ number: Int, _ rate: Double) -> Self
    ) -> (steps: [Self], stopReason: String?) {
        var steps: [Self] = []
        for (index, rate) in rates.enumerated() {
            if let reason = stopReason() { return (steps, reason) }
            let report = runStep(index + 1, rate)
            steps.append(report)
            if !report.passed { return (steps, "step \(report.step): \(report.failure ?? "failed")") }
        }
        return (steps, stopReason())
    }
}
