import Foundation
import Glibc

/// Runs `hold`: measures the server's memory per idle connection and the latency a chat
/// message sees while N connections sit in the room.
///
/// Two probe connections (a publisher and a viewer) join first, then the server's RSS is taken;
/// then the N held viewers join (here or in child processes) and RSS is taken again after a
/// second to settle. During the hold the probe publisher sends `probes` chat messages; their
/// round trip back to the publisher is the probe latency, and their delivery to every held
/// connection shows the fan-out cost of a room that size.
final class HoldScenario {
    private let plan: HoldPlan
    private let recorder: DeliveryRecorder
    private let pool: ConnectionPool
    private var progress = ProgressLine()
    private let deadline: UInt64

    init(plan: HoldPlan) throws(BenchError) {
        try plan.validate()
        self.plan = plan
        recorder = DeliveryRecorder(run: UInt16.random(in: 1...UInt16.max), rooms: 1)
        var options = ConnectionPool.Options()
        options.concurrency = plan.connectConcurrency
        options.sourceCount = plan.sourceAddresses
        pool = try ConnectionPool(endpoint: plan.endpoint, options: options, delegate: recorder)
        deadline = MonotonicClock.now() + UInt64(plan.deadlineSeconds * 1e9)
    }

    func run() throws(BenchError) -> HoldReport {
        let publisher = recorder.addPublisher(room: 0)
        let probe = pool.add(
            tag: ConnectionTag.make(room: 0, isPublisher: true),
            path: ConnectPhase.viewerPath(room: plan.probeRoom, user: "bench-probe-p"))
        pool.add(
            tag: ConnectionTag.make(room: 0, isPublisher: false),
            path: ConnectPhase.viewerPath(room: plan.probeRoom, user: "bench-probe-v"))
        let probes = ConnectPhase.run(
            pool: pool, recorder: recorder, label: "hold probes", timeoutSeconds: 10,
            deadline: deadline, progress: &progress)
        guard probes.welcomed == 2 else {
            throw .connectFailed(
                opened: probes.welcomed, wanted: 2, firstFailure: ConnectPhase.firstFailure(pool))
        }
        pumpFor(seconds: 1)
        let before = plan.serverPID.flatMap(ProcessSampler.sample(pid:))

        let connectStart = MonotonicClock.now()
        let held = try connectHeld()
        let connectSeconds = MonotonicClock.seconds(from: connectStart, to: MonotonicClock.now())
        progress.note(
            "hold: \(held.welcomed)/\(plan.connections) held after \(Format.fixed(connectSeconds, 1)) s")
        pumpFor(seconds: 1)
        let after = plan.serverPID.flatMap(ProcessSampler.sample(pid:))
        let hostAfter = ProcessSampler.sampleHost()
        let benchPIDs = [getpid()] + (held.children?.pids ?? [])
        let benchAfter = ProcessSampler.sample(pids: benchPIDs)

        let step = recorder.beginStep()
        let holdStart = MonotonicClock.now()
        let holdEnd = holdStart + UInt64(plan.holdSeconds * 1e9)
        let spacing = UInt64(1e9 / plan.probeRate)
        var nextProbe = holdStart
        var sentProbes = 0
        while MonotonicClock.now() < holdEnd && interruption() == nil {
            let now = MonotonicClock.now()
            if sentProbes < plan.probes && nextProbe <= now {
                sendProbe(connection: probe, publisher: publisher, intended: nextProbe)
                sentProbes += 1
                nextProbe += spacing
            }
            pool.pump(timeoutMs: 2)
            progress.update(now: now) { progressText(held: held.welcomed, step: step, since: after) }
        }
        let end = plan.serverPID.flatMap(ProcessSampler.sample(pid:))
        let hostEnd = ProcessSampler.sampleHost()
        let benchEnd = ProcessSampler.sample(pids: benchPIDs)
        let children = held.children.map { finish(children: $0) } ?? []
        progress.endLine()
        return makeReport(
            held: held, children: children, connectSeconds: connectSeconds, step: step,
            samples: (before, after, end), host: (hostAfter, hostEnd), bench: (benchAfter, benchEnd),
            holdSeconds: MonotonicClock.seconds(from: holdStart, to: MonotonicClock.now()))
    }

    private struct Held {
        var welcomed: Int
        var failures: [String: Int]
        var children: ChildProcessGroup?
    }

    /// Opens the held connections in this process, or starts the children and waits for them.
    private func connectHeld() throws(BenchError) -> Held {
        guard plan.processes > 1 else {
            for number in 0..<plan.connections {
                pool.add(
                    tag: ConnectionTag.make(room: 0, isPublisher: false),
                    path: ConnectPhase.viewerPath(room: plan.room, user: "bench-h-\(number)"))
            }
            let outcome = ConnectPhase.run(
                pool: pool, recorder: recorder, label: "hold",
                timeoutSeconds: plan.connectTimeoutSeconds, deadline: deadline,
                progress: &progress)
            return Held(
                welcomed: outcome.welcomed - 2, failures: pool.failures, children: nil)
        }
        let perChildSources = max(1, plan.sourceAddresses / plan.processes)
        let arguments = (0..<plan.processes).map { index in
            [
                "hold", "--url", plan.url, "--room", plan.room,
                "--connections", "\(plan.slice(child: index))",
                "--child-run-id", "\(recorder.run)", "--child-index", "\(index)",
                "--source-first", "\(2 + index * perChildSources)",
                "--source-addresses", "\(perChildSources)",
                "--connect-concurrency", "\(plan.connectConcurrency)",
                "--connect-timeout", "\(plan.connectTimeoutSeconds)",
                "--max-seconds", "\(plan.deadlineSeconds)",
            ] + plan.tlsArguments
        }
        let children = try ChildProcessGroup(arguments: arguments)
        let limit = min(deadline, MonotonicClock.now() + UInt64(plan.connectTimeoutSeconds * 1e9) + 5_000_000_000)
        var ready = 0
        while ready < children.count && MonotonicClock.now() < limit && interruption() == nil {
            pool.pump(timeoutMs: 10)
            children.collectOutput()
            ready =
                (0..<children.count).filter {
                    children.line(startingWith: "READY ", child: $0) != nil || children.hasExited($0)
                }.count
            progress.update(now: MonotonicClock.now()) { "hold: \(ready)/\(children.count) children ready" }
        }
        let welcomed = (0..<children.count).reduce(0) { total, index in
            let fields = children.line(startingWith: "READY ", child: index)?.split(separator: " ")
            return total + (fields?.first.flatMap { Int($0) } ?? 0)
        }
        return Held(welcomed: welcomed, failures: [:], children: children)
    }

    private func finish(children: ChildProcessGroup) -> [HoldChildReport] {
        children.release()
        children.waitForExit(timeoutSeconds: 15)
        return (0..<children.count).compactMap { index in
            children.line(startingWith: "CHILD ", child: index).flatMap {
                try? JSONDecoder().decode(HoldChildReport.self, from: Data($0.utf8))
            }
        }
    }

    private func sendProbe(connection id: Int, publisher: Int, intended: UInt64) {
        guard let connection = pool.connections[id], connection.state == .open else { return }
        var factory = ChatMessageFactory(run: recorder.run)
        let message = BenchMessageID(
            publisher: publisher, index: recorder.allocateMessage(), sentAt: intended)
        let frame = factory.frame(for: message)
        frame.withUnsafeBytes { _ = connection.sendText($0) }
    }

    private func progressText(held: Int, step: Int, since: ProcessSample?) -> String {
        let counters = recorder.steps[step]
        var text =
            "hold: \(held) held, probes \(counters.echoed)/\(counters.sent) echoed, round trip p99 "
            + Format.fixed(StepReport.milliseconds(counters.echoLatency, percentile: 99), 2) + " ms"
        if let pid = plan.serverPID, let sample = ProcessSampler.sample(pid: pid) {
            text += ", server RSS \(Format.fixed(Double(sample.rssKilobytes) / 1_024, 1)) MB"
            if let since { text += ", CPU \(Format.fixed(sample.cpuPercent(since: since), 1)) %" }
        }
        return text
    }

    private func makeReport(
        held: Held, children: [HoldChildReport], connectSeconds: Double, step: Int,
        samples: (ProcessSample?, ProcessSample?, ProcessSample?), host: (HostSample?, HostSample?),
        bench: (ProcessSample?, ProcessSample?), holdSeconds: Double
    ) -> HoldReport {
        let counters = recorder.steps[step]
        let sequence = recorder.viewerSequenceTotals().counters
        var failures = held.failures
        for child in children { failures.merge(child.failures, uniquingKeysWith: +) }
        let (before, after, end) = samples
        func megabytes(_ sample: ProcessSample?) -> Double? {
            sample.map { Format.round(Double($0.rssKilobytes) / 1_024, 1) }
        }
        func perConnection(_ sample: ProcessSample?) -> Double? {
            guard let before, let sample, held.welcomed > 0 else { return nil }
            return Format.round(Double(sample.rssKilobytes - before.rssKilobytes) / Double(held.welcomed), 2)
        }
        var cpu: Double?
        if let after, let end { cpu = Format.round(end.cpuPercent(since: after), 1) }
        var benchCPU: Double?
        if let start = bench.0, let finish = bench.1 { benchCPU = finish.cpuPercent(since: start) }
        var otherCPU: Double?
        if let start = host.0, let finish = host.1 {
            let busy = finish.busyPercent(since: start)
            otherCPU = Format.round(max(0, busy - (cpu ?? 0) - (benchCPU ?? 0)), 1)
        }
        let ownP99 = StepReport.milliseconds(counters.latency, percentile: 99)
        let ownMax = StepReport.maxMs(counters.latency)
        return HoldReport(
            url: plan.url, room: plan.room, connectionsWanted: plan.connections,
            connectionsHeld: held.welcomed, failed: plan.connections - held.welcomed,
            failures: failures, processes: plan.processes,
            connectSeconds: Format.round(connectSeconds, 2),
            holdSeconds: Format.round(holdSeconds, 2), serverPID: plan.serverPID,
            serverRSSBeforeMB: megabytes(before), serverRSSAfterMB: megabytes(after),
            serverRSSEndMB: megabytes(end),
            serverPeakRSSMB: end.map { Format.round(Double($0.peakRSSKilobytes) / 1_024, 1) },
            rssPerConnectionKB: perConnection(after), rssPerConnectionEndKB: perConnection(end),
            serverCPUPercent: cpu,
            benchCPUPercent: benchCPU.map { Format.round($0, 1) }, otherCPUPercent: otherCPU,
            benchRSSMB: megabytes(bench.1),
            probesSent: counters.sent, probesEchoed: counters.echoed,
            probeP50Ms: Format.round(StepReport.milliseconds(counters.echoLatency, percentile: 50), 2),
            probeP99Ms: Format.round(StepReport.milliseconds(counters.echoLatency, percentile: 99), 2),
            probeMaxMs: Format.round(StepReport.maxMs(counters.echoLatency), 2),
            probeDeliveriesExpected: counters.accepted * (held.welcomed + 1),
            probeDeliveriesReceived: counters.received + children.reduce(0) { $0 + $1.received },
            probeFanoutP99Ms: Format.round(children.map(\.p99Ms).reduce(ownP99, max), 2),
            probeFanoutMaxMs: Format.round(children.map(\.maxMs).reduce(ownMax, max), 2),
            droppedConnections: recorder.droppedAfterWelcome
                + children.reduce(0) { $0 + $1.dropped },
            gapSeqs: sequence.gapSeqs + children.reduce(0) { $0 + $1.gapSeqs },
            missedSeqs: sequence.missedSeqs + children.reduce(0) { $0 + $1.missedSeqs },
            stopReason: interruption())
    }

    private func pumpFor(seconds: Double) {
        let end = MonotonicClock.now() + UInt64(seconds * 1e9)
        while MonotonicClock.now() < end && interruption() == nil {
            pool.pump(timeoutMs: 5)
        }
    }

    private func interruption() -> String? {
        if pool.loop.interrupted { return "interrupted (SIGINT/SIGTERM)" }
        if MonotonicClock.now() >= deadline { return "hard deadline (--max-seconds) reached" }
        return nil
    }
}
