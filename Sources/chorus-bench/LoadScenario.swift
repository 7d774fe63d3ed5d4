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
        recorder = DeliveryRecorder(
            run: run, rooms: plan.rooms.count, useCache: plan.useBatchCache, server: plan.server)
        pool = try ConnectionPool(
            endpoint: plan.endpoint, others: Array(plan.viewerEndpoints.dropFirst()), options: plan.pool,
            delegate: recorder)
        messages = ChatMessageFactory(run: run, texts: plan.chatTexts)
        deadline = MonotonicClock.now() + UInt64(plan.deadlineSeconds * 1e9)
    }

    func run() throws(BenchError) -> LoadRunReport {
        for (room, name) in plan.rooms.enumerated() {
            for index in 0..<plan.publishersPerRoom {
                let path = plan.server.path(
                    room: name, user: "bench-p\(room)-\(index)", feed: plan.publisherFeed)
                let connectionID = pool.add(
                    tag: ConnectionTag.make(room: room, isPublisher: true), path: path,
                    subprotocol: plan.publisherSubprotocol)
                let publisherID = recorder.addPublisher(room: room)
                publishers.append(Publisher(connectionID: connectionID, publisherID: publisherID))
            }
        }
        for index in 0..<plan.viewersPerRoom {
            for (room, name) in plan.rooms.enumerated() {
                let path = plan.server.path(room: name, user: "bench-v\(room)-\(index)")
                pool.add(
                    tag: ConnectionTag.make(room: room, isPublisher: false), path: path,
                    endpoint: index)
            }
        }
        let connect = ConnectPhase.run(
            pool: pool, recorder: recorder, label: plan.scenario,
            timeoutSeconds: plan.connectTimeoutSeconds, deadline: deadline, progress: &progress)
        try ConnectPhase.require(
            recorder.welcomedViewers > 0 && recorder.welcomedPublishers > 0, after: connect, pool: pool)
        progress.note(
            "\(plan.scenario): \(connect.welcomed)/\(plan.totalConnections) connections in "
                + "\(plan.rooms.count) room(s) after \(Format.fixed(connect.seconds, 1)) s")
        pool.pump(until: MonotonicClock.now() + 500_000_000)

        let (steps, stopReason) = StepReport.runAll(rates: plan.roomRates, stopReason: interruption) {
            runStep(number: $0, roomRate: $1)
        }
        progress.endLine()
        var report = LoadRunReport(
            scenario: plan.scenario, server: plan.server.rawValue, url: plan.endpoint.description,
            rooms: plan.rooms.count, viewersPerRoom: plan.viewersPerRoom,
            publishersPerRoom: plan.publishersPerRoom,
            publisherFeed: plan.publisherFeed.rawValue, publisherSubprotocol: plan.publisherSubprotocol,
            stepSeconds: plan.stepSeconds, p99BoundMs: plan.p99BoundMs,
            batchCache: plan.useBatchCache, clientSpins: plan.pool.spins, serverPID: plan.serverPID,
            connect: ConnectPhase.report(connect, pool: pool), steps: steps, stopReason: stopReason,
            droppedConnections: recorder.droppedAfterWelcome, closes: pool.closes)
        report.tls = pool.tlsInfo
        pool.closeAll()
        pool.pump(until: MonotonicClock.now() + 200_000_000)
        return report
    }

    private func runStep(number: Int, roomRate: Double) -> StepReport {
        let step = recorder.beginStep()
        let sequenceBefore = recorder.viewerSequenceTotals()
        let totalRate = roomRate * Double(plan.rooms.count)
        var unsent = 0
        var pacer = PublisherPacer(plan: plan, roomRate: roomRate)
        let resources = pacer.run(
            pool: pool, progress: &progress, serverPID: plan.serverPID, isStopped: { interruption() != nil }
        ) { elapsed in
            progressText(number: number, rate: totalRate, step: step, elapsed: elapsed)
        } send: { index, dueTimes in
            let connection = openPublisher(publishers[index])
            for due in dueTimes where !queue(publisher: publishers[index], sentAt: due, on: connection) {
                unsent += 1
            }
            // One write per publisher per loop pass, however many messages were due.
            connection?.flushQueued()
        }
        let bytesDuringSend = recorder.steps[step].bytesReceived
        pool.pump(until: pacer.sendEnd + UInt64(plan.drainSeconds * 1e9)) {
            interruption() != nil || recorder.isSettled(step: step)
        }
        let sequence = recorder.viewerSequenceTotals()
        let sendSeconds = MonotonicClock.seconds(from: pacer.start, to: pacer.sendEnd)
        var report = StepReportBuilder.build(
            number: number, rate: totalRate, seconds: sendSeconds,
            counters: recorder.steps[step], viewers: recorder.viewersInRoom.reduce(0, +),
            sequence: sequence.counters - sequenceBefore.counters,
            viewersWithAnomalies: sequence.affected, bytesDuringSend: bytesDuringSend,
            maxSendLag: pacer.maxLag, maxLoopGap: pacer.maxLoopGap,
            resources: resources)
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
    private func queue(
        publisher: Publisher, sentAt: UInt64, on connection: WebSocketClientConnection?
    ) -> Bool {
        guard let connection, connection.state == .open else { return false }
        let id = BenchMessageID(
            publisher: publisher.publisherID, index: recorder.allocateMessage(), sentAt: sentAt)
        frameBuffer.removeAll(keepingCapacity: true)
        messages.append(for: id, to: &frameBuffer)
        return frameBuffer.withUnsafeBytes { connection.queueText($0) }
    }

    private func progressText(number: Int, rate: Double, step: Int, elapsed: UInt64) -> String {
        let counters = recorder.steps[step]
        let percent = counters.expected > 0 ? Double(counters.received) / Double(counters.expected) * 100 : 100
        return
            "\(plan.scenario) step \(number)/\(plan.roomRates.count) \(Format.fixed(rate, 0)) msg/s "
            + "\(Format.fixed(Double(elapsed) / 1e9, 0))/\(Format.fixed(plan.stepSeconds, 0)) s  "
            + "sent \(counters.sent)  recv \(Format.count(counters.received))/"
            + "\(Format.count(counters.expected)) (\(Format.fixed(percent, 2)) %)  "
            + "p99 \(Format.fixed(StepReport.milliseconds(counters.latency, percentile: 99), 1)) ms"
    }

    private func interruption() -> String? { pool.stopReason(deadline: deadline) }
}
