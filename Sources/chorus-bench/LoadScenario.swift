import Glibc

/// Runs a `LoadPlan`: connects every member, then steps through the publish rates.
///
/// Each step sends paced chat for `stepSeconds`, waits up to `drainSeconds` for the last
/// deliveries, and turns the recorder's counters into a `StepReport`. The run stops after the
/// first step that delivers less than `minDeliveryPercent` or whose p99 passes the bound: the
/// next, higher rate would only fail harder and take longer.
final class LoadScenario {
    private struct Publisher {
        var connectionID: Int
        var publisherID: Int
        /// When its next message is due (intended send time, monotonic ns).
        var nextDue: UInt64 = 0
        /// Offset of its first message from the step start, ns.
        var phase: Double = 0
        /// Messages it sent in the current step.
        var sentInStep = 0
    }

    private let plan: LoadPlan
    private let recorder: DeliveryRecorder
    private let pool: ConnectionPool
    private var publishers: [Publisher] = []
    private var messages: ChatMessageFactory
    /// Reused for every frame a publisher sends (no allocation per message).
    private var frameBuffer: [UInt8] = []
    private var progress = ProgressLine()
    private let deadline: UInt64

    init(plan: LoadPlan) throws(BenchError) {
        try plan.validate()
        self.plan = plan
        let run = UInt16.random(in: 1...UInt16.max)
        recorder = DeliveryRecorder(run: run, rooms: plan.rooms.count, useCache: plan.useBatchCache)
        pool = try ConnectionPool(endpoint: plan.endpoint, options: plan.pool, delegate: recorder)
        messages = ChatMessageFactory(run: run, texts: plan.chatTexts)
        deadline = MonotonicClock.now() + UInt64(plan.deadlineSeconds * 1e9)
    }

    func run() throws(BenchError) -> LoadRunReport {
        for (room, name) in plan.rooms.enumerated() {
            for index in 0..<plan.publishersPerRoom {
                let path = ConnectPhase.viewerPath(room: name, user: "bench-p\(room)-\(index)")
                let connectionID = pool.add(
                    tag: ConnectionTag.make(room: room, isPublisher: true), path: path)
                let publisherID = recorder.addPublisher(room: room)
                publishers.append(Publisher(connectionID: connectionID, publisherID: publisherID))
            }
        }
        for index in 0..<plan.viewersPerRoom {
            for (room, name) in plan.rooms.enumerated() {
                let path = ConnectPhase.viewerPath(room: name, user: "bench-v\(room)-\(index)")
                pool.add(tag: ConnectionTag.make(room: room, isPublisher: false), path: path)
            }
        }
        let connect = ConnectPhase.run(
            pool: pool, recorder: recorder, label: plan.scenario,
            timeoutSeconds: plan.connectTimeoutSeconds, deadline: deadline, progress: &progress)
        guard recorder.welcomedViewers > 0, recorder.welcomedPublishers > 0 else {
            pool.closeAll()
            throw .connectFailed(
                opened: connect.welcomed, wanted: plan.totalConnections,
                firstFailure: ConnectPhase.firstFailure(pool))
        }
        progress.note(
            "\(plan.scenario): \(connect.welcomed)/\(plan.totalConnections) connections in "
                + "\(plan.rooms.count) room(s) after \(Format.fixed(connect.seconds, 1)) s")
        pumpFor(seconds: 0.5)

        var steps: [StepReport] = []
        var stopReason: String?
        for (number, roomRate) in plan.roomRates.enumerated() {
            if let reason = interruption() {
                stopReason = reason
                break
            }
            let report = runStep(number: number + 1, roomRate: roomRate)
            steps.append(report)
            if !report.passed {
                stopReason = "step \(report.step): \(report.failure ?? "failed")"
                break
            }
        }
        progress.endLine()
        let report = LoadRunReport(
            scenario: plan.scenario, url: plan.endpoint.description, rooms: plan.rooms.count,
            viewersPerRoom: plan.viewersPerRoom, publishersPerRoom: plan.publishersPerRoom,
            stepSeconds: plan.stepSeconds, p99BoundMs: plan.p99BoundMs,
            batchCache: plan.useBatchCache, serverPID: plan.serverPID,
            connect: LoadRunReport.Connect(
                wanted: plan.totalConnections, welcomed: connect.welcomed,
                failed: connect.failed, seconds: Format.round(connect.seconds, 2),
                failures: pool.failures),
            steps: steps, stopReason: stopReason ?? interruption(),
            droppedConnections: recorder.droppedAfterWelcome, closes: pool.closes)
        pool.closeAll()
        pumpFor(seconds: 0.2)
        return report
    }

    private func runStep(number: Int, roomRate: Double) -> StepReport {
        let step = recorder.beginStep()
        let sequenceBefore = recorder.viewerSequenceTotals()
        let serverBefore = plan.serverPID.flatMap(ProcessSampler.sample(pid:))
        let benchBefore = ProcessSampler.sample(pid: getpid())
        let hostBefore = ProcessSampler.sampleHost()
        var serverLatest = serverBefore
        let start = MonotonicClock.now() + 1_000_000
        let end = start + UInt64(plan.stepSeconds * 1e9)
        let perPublisherRate = roomRate / Double(plan.publishersPerRoom)
        let interval = 1e9 / perPublisherRate
        let roomSpacing = 1e9 / (roomRate * Double(plan.rooms.count))
        for index in publishers.indices {
            let room = index / plan.publishersPerRoom
            let local = index % plan.publishersPerRoom
            publishers[index].phase = Double(local) * 1e9 / roomRate + Double(room) * roomSpacing
            publishers[index].nextDue = start + UInt64(publishers[index].phase)
            publishers[index].sentInStep = 0
        }
        let totalRate = roomRate * Double(plan.rooms.count)
        var maxLag: UInt64 = 0
        var maxLoopGap: UInt64 = 0
        var unsent = 0
        var now = MonotonicClock.now()
        while interruption() == nil {
            let iterationStart = now
            // Everything due before `end` is sent, even if the loop wakes up after it.
            let horizon = min(now, end - 1)
            for index in publishers.indices where publishers[index].nextDue <= horizon {
                let connection = openPublisher(publishers[index])
                while publishers[index].nextDue <= horizon {
                    maxLag = max(maxLag, now - publishers[index].nextDue)
                    if !queue(publisher: publishers[index], on: connection) { unsent += 1 }
                    // Computed from the start, not accumulated: no drift from rounding.
                    publishers[index].sentInStep += 1
                    let offset = publishers[index].phase + Double(publishers[index].sentInStep) * interval
                    publishers[index].nextDue = start + UInt64(offset)
                }
                // One write per publisher per loop pass, however many messages were due.
                connection?.flushQueued()
            }
            if now >= end { break }
            pool.pump(timeoutMilliseconds: 1)
            now = MonotonicClock.now()
            maxLoopGap = max(maxLoopGap, now &- iterationStart)
            progress.update(now: now) {
                if let pid = plan.serverPID { serverLatest = ProcessSampler.sample(pid: pid) }
                return progressText(
                    number: number, rate: totalRate, step: step, elapsed: now &- start,
                    server: serverLatest, serverBefore: serverBefore)
            }
        }
        let sendEnd = MonotonicClock.now()
        let serverAfter = plan.serverPID.flatMap(ProcessSampler.sample(pid:))
        let benchAfter = ProcessSampler.sample(pid: getpid())
        let hostAfter = ProcessSampler.sampleHost()
        let bytesDuringSend = recorder.steps[step].bytesReceived
        let drainEnd = sendEnd + UInt64(plan.drainSeconds * 1e9)
        while MonotonicClock.now() < drainEnd && interruption() == nil && !recorder.isSettled(step: step) {
            pool.pump(timeoutMilliseconds: 5)
        }
        let sequence = recorder.viewerSequenceTotals()
        let sendSeconds = MonotonicClock.seconds(from: start, to: sendEnd)
        var report = StepReportBuilder.build(
            number: number, rate: totalRate, seconds: sendSeconds,
            counters: recorder.steps[step], viewers: recorder.viewersInRoom.reduce(0, +),
            sequence: sequence.counters - sequenceBefore.counters,
            viewersWithAnomalies: sequence.affected, bytesDuringSend: bytesDuringSend,
            maxSendLag: maxLag, maxLoopGap: maxLoopGap, server: (serverBefore, serverAfter),
            bench: (benchBefore, benchAfter), host: (hostBefore, hostAfter))
        StepReportBuilder.judge(
            &report, minDeliveryPercent: plan.minDeliveryPercent, p99BoundMs: plan.p99BoundMs,
            unsent: unsent)
        progress.endLine()
        progress.note(ReportPrinter.stepLine(report))
        return report
    }

    /// The publisher's connection if it is open and welcomed.
    private func openPublisher(_ publisher: Publisher) -> WebSocketClientConnection? {
        guard let connection = pool.connections[publisher.connectionID],
            connection.state == .open, recorder.isWelcomed(publisher.connectionID)
        else { return nil }
        return connection
    }

    /// Queues the publisher's next message, stamped with its intended send time.
    private func queue(publisher: Publisher, on connection: WebSocketClientConnection?) -> Bool {
        guard let connection, connection.state == .open else { return false }
        let id = BenchMessageID(
            publisher: publisher.publisherID, index: recorder.allocateMessage(),
            sentAt: publisher.nextDue)
        frameBuffer.removeAll(keepingCapacity: true)
        messages.append(for: id, to: &frameBuffer)
        return frameBuffer.withUnsafeBytes { connection.queueText($0) }
    }

    private func progressText(
        number: Int, rate: Double, step: Int, elapsed: UInt64, server: ProcessSample?,
        serverBefore: ProcessSample?
    ) -> String {
        let counters = recorder.steps[step]
        let percent = counters.expected > 0 ? Double(counters.received) / Double(counters.expected) * 100 : 100
        var text =
            "\(plan.scenario) step \(number)/\(plan.roomRates.count) \(Format.fixed(rate, 0)) msg/s "
            + "\(Format.fixed(Double(elapsed) / 1e9, 0))/\(Format.fixed(plan.stepSeconds, 0)) s  "
            + "sent \(counters.sent)  recv \(Format.count(counters.received))/"
            + "\(Format.count(counters.expected)) (\(Format.fixed(percent, 2)) %)  "
            + "p99 \(Format.fixed(StepReport.milliseconds(counters.latency, percentile: 99), 1)) ms"
        if let server, let serverBefore {
            text +=
                "  | server \(Format.fixed(server.cpuPercent(since: serverBefore), 0)) % cpu "
                + "\(Format.fixed(Double(server.rssKilobytes) / 1_024, 0)) MB"
        }
        return text
    }

    private func pumpFor(seconds: Double) {
        let end = MonotonicClock.now() + UInt64(seconds * 1e9)
        while MonotonicClock.now() < end { pool.pump(timeoutMilliseconds: 5) }
    }

    private func interruption() -> String? {
        if pool.loop.interrupted { return "interrupted (SIGINT/SIGTERM)" }
        if MonotonicClock.now() >= deadline { return "hard deadline (--max-seconds) reached" }
        return nil
    }
}
