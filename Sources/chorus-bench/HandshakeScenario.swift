/// Runs `handshakes`: opens new connections at a paced rate (or as fast as `concurrency`
/// allows) for a window, times each to its welcome, closes it, and samples the server's CPU
/// over the window.
final class HandshakeScenario {
    private let plan: HandshakePlan
    private let recorder: HandshakeRecorder
    private let pool: ConnectionPool
    private var progress = ProgressLine()
    private let deadline: UInt64
    private var started = 0

    init(plan: HandshakePlan) throws(BenchError) {
        try plan.validate()
        self.plan = plan
        recorder = HandshakeRecorder(server: plan.server)
        var options = plan.pool
        options.concurrency = plan.concurrency
        pool = try ConnectionPool(endpoint: plan.endpoint, options: options, delegate: recorder)
        deadline = MonotonicClock.now() + UInt64(plan.deadlineSeconds * 1e9)
    }

    func run() -> HandshakeReport {
        let before = StepResources.Snapshot.take(serverPID: plan.serverPID)
        let start = MonotonicClock.now()
        let end = start + UInt64(plan.seconds * 1e9)
        recorder.windowEnd = end
        var stopReason: String?
        var now = start
        while now < end {
            if let reason = pool.stopReason(deadline: deadline) {
                stopReason = reason
                break
            }
            startDue(now: now, start: start)
            pool.pump(timeoutMs: 1)
            now = MonotonicClock.now()
            progress.update(now: now) {
                progressText(elapsed: now &- start)
                    + StepResources.serverProgress(pid: plan.serverPID, since: before.server)
            }
        }
        let after = StepResources.Snapshot.take(serverPID: plan.serverPID)
        let windowSeconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
        // Connections started in the window may finish after it; they count in the latencies.
        pool.pump(until: MonotonicClock.now() + UInt64(plan.drainSeconds * 1e9)) {
            pool.isSettled && recorder.completed + failureCount() >= started
                || pool.stopReason(deadline: deadline) != nil
        }
        progress.endLine()
        let report = HandshakeReport(
            plan: plan, recorder: recorder, started: started, failures: failures(),
            windowSeconds: windowSeconds, resources: StepResources(from: before, to: after),
            tls: pool.tlsInfo, stopReason: stopReason)
        pool.closeAll()
        pool.pump(until: MonotonicClock.now() + 200_000_000)
        return report
    }

    /// Queues the connections due by `now`: the paced schedule's, or enough to keep
    /// `concurrency` connecting.
    private func startDue(now: UInt64, start: UInt64) {
        let due =
            plan.isPaced
            ? plan.dueCount(elapsedNanoseconds: now &- start) : started + max(0, plan.concurrency - pool.busyCount)
        while started < due {
            pool.add(tag: 0, path: plan.server.path(room: plan.room, user: "bench-hs-\(started)"))
            started += 1
        }
    }

    /// Why connections did not reach their welcome: the pool's failures, closes before the
    /// welcome, those never started (every --connect-concurrency slot busy: the server or the
    /// bench fell behind the schedule) and those still waiting when the drain ended.
    private func failures() -> [String: Int] {
        var result = pool.failures
        if pool.queuedCount > 0 { result["not started: every --connect-concurrency slot busy"] = pool.queuedCount }
        for (reason, count) in pool.closes where reason != HandshakeRecorder.closeReason {
            result["closed before welcome: \(reason)", default: 0] += count
        }
        let waiting = started - recorder.completed - result.values.reduce(0, +)
        if waiting > 0 { result["no welcome by the end of the drain", default: 0] += waiting }
        return result
    }

    private func failureCount() -> Int {
        pool.failedCount + pool.closedCount - (pool.closes[HandshakeRecorder.closeReason] ?? 0)
    }

    private func progressText(elapsed: UInt64) -> String {
        let seconds = Double(elapsed) / 1e9
        return "handshakes \(Format.fixed(seconds, 0))/\(Format.fixed(plan.seconds, 0)) s  started \(started)  "
            + "done \(recorder.completed) (\(Format.fixed(Double(recorder.completed) / max(seconds, 0.001), 0))/s)  "
            + "failed \(failureCount())  p99 \(Format.fixed(StepReport.milliseconds(recorder.total, percentile: 99), 1)) ms"
    }
}
