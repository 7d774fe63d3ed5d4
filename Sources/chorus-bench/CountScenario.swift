/// Runs `count`: publishers over several rooms send a fixed mix of interactions with
/// `"ack":true` at stepped aggregate rates; every ack is checked against what its connection
/// sent, and at the end each room's counters must have grown by what was acknowledged there.
///
/// The room counters are read over HTTP once every publisher is in (a room exists only while it
/// has members or is configured) and again after the last ack, before anyone leaves.
final class CountScenario {
    /// How long to wait after the last step for acks still outstanding.
    static let finalAckSeconds = 5.0
    /// Budget for reading every room's stats once.
    static let statsSeconds = 5.0

    private let plan: LoadPlan
    private let recorder: CountRecorder
    private let pool: ConnectionPool
    private let frames: InteractionFrameFactory
    /// Reused for every frame a publisher sends (no allocation per interaction).
    private var frameBuffer: [UInt8] = []
    private var connectionIDs: [Int] = []
    private var paths: [String] = []
    private var locales: [ViewerLocale] = []
    /// Reconnect publishers whose connection drops (the daemon killed and restarted) and
    /// send again what was never acknowledged, with the same idempotency keys.
    private let reconnects: Bool
    private var nextReconnect: [UInt64] = []
    /// With reconnects: intended send times that fell due while the publisher was disconnected,
    /// sent (late, so their latency includes the outage) once it is welcomed again.
    private var owedDueTimes: [[UInt64]] = []
    private var progress = ProgressLine()
    private let deadline: UInt64

    init(plan: LoadPlan, idempotencyKeys: Bool = false, reconnects: Bool = false) throws(BenchError) {
        try plan.validate()
        self.plan = plan
        self.reconnects = reconnects
        let run = UInt16.random(in: 1...UInt16.max)
        recorder = CountRecorder(run: run, rooms: plan.rooms.count)
        pool = try ConnectionPool(endpoint: plan.endpoint, options: plan.pool, delegate: recorder)
        frames = InteractionFrameFactory(run: run, idempotencyKeys: idempotencyKeys || reconnects)
        deadline = MonotonicClock.now() + UInt64(plan.deadlineSeconds * 1e9)
    }

    func run() throws(BenchError) -> CountRunReport {
        for (room, name) in plan.rooms.enumerated() {
            for local in 0..<plan.publishersPerRoom {
                let locale = ViewerLocale.of(publisher: room * plan.publishersPerRoom + local)
                let publisher = recorder.addPublisher(room: room, region: locale.region)
                let path = ConnectPhase.viewerPath(
                    room: name, user: "bench-c\(room)-\(local)", locale: locale.locale, region: locale.region)
                connectionIDs.append(pool.add(tag: publisher, path: path))
                paths.append(path)
                nextReconnect.append(0)
                owedDueTimes.append([])
                locales.append(locale)
            }
        }
        let connect = ConnectPhase.run(
            pool: pool, recorder: recorder, label: plan.scenario,
            timeoutSeconds: plan.connectTimeoutSeconds, deadline: deadline, progress: &progress)
        try ConnectPhase.require(recorder.welcomedConnections > 0, after: connect, pool: pool)
        progress.note(
            "count: \(connect.welcomed)/\(plan.totalConnections) publishers in \(plan.rooms.count) "
                + "room(s) after \(Format.fixed(connect.seconds, 1)) s")
        pool.pump(until: MonotonicClock.now() + 500_000_000)
        var before: [[String: Int]] = []
        for result in readCounters() {
            switch result {
            case .success(let counters):
                before.append(counters)
            case .failure(let error):
                pool.closeAll()
                throw error
            }
        }

        let (steps, stopReason) = CountStepReport.runAll(rates: plan.roomRates, stopReason: interruption) {
            runStep(number: $0, roomRate: $1)
        }
        let waitStart = MonotonicClock.now()
        pool.pump(until: waitStart + UInt64(Self.finalAckSeconds * 1e9)) {
            recorder.outstanding == 0 || interruption() != nil
        }
        let finalWait = MonotonicClock.seconds(from: waitStart, to: MonotonicClock.now())
        let check = makeCheck(before: before, after: readCounters())
        progress.endLine()
        let sent = recorder.steps.reduce(0) { $0 + $1.sent }
        let report = CountRunReport(
            url: plan.endpoint.description, rooms: plan.rooms.count,
            publishers: plan.rooms.count * plan.publishersPerRoom, stepSeconds: plan.stepSeconds,
            p99BoundMs: plan.p99BoundMs, serverPID: plan.serverPID,
            connect: ConnectPhase.report(connect, pool: pool), steps: steps, stopReason: stopReason,
            droppedConnections: recorder.droppedAfterWelcome, closes: pool.closes, sent: sent,
            acked: sent - recorder.outstanding, unacked: recorder.outstanding,
            finalWaitSeconds: Format.round(finalWait, 2), check: check, reconnections: recorder.reconnections,
            resent: recorder.resent, recognisedResends: recorder.recognisedResends)
        pool.closeAll()
        pool.pump(until: MonotonicClock.now() + 200_000_000)
        return report
    }

    private func runStep(number: Int, roomRate: Double) -> CountStepReport {
        let step = recorder.beginStep()
        let rate = roomRate * Double(plan.rooms.count)
        var unsent = 0
        var pacer = PublisherPacer(plan: plan, roomRate: roomRate)
        let resources = pacer.run(
            pool: pool, progress: &progress, serverPID: plan.serverPID, isStopped: { interruption() != nil }
        ) { elapsed in
            progressText(number: number, rate: rate, step: step, elapsed: elapsed)
        } send: { publisher, dueTimes in
            guard let connection = openPublisher(publisher) else {
                if reconnects {
                    reconnectIfDue(publisher)
                    owedDueTimes[publisher].append(contentsOf: dueTimes)
                } else {
                    unsent += dueTimes.count
                }
                return
            }
            let now = MonotonicClock.now()
            for counter in recorder.takeResend(publisher: publisher) {
                queue(publisher: publisher, counter: counter, sentAt: now, on: connection)
            }
            for due in owedDueTimes[publisher] { queue(publisher: publisher, sentAt: due, on: connection) }
            owedDueTimes[publisher].removeAll()
            for due in dueTimes { queue(publisher: publisher, sentAt: due, on: connection) }
            // One write per publisher per loop pass, however many interactions were due.
            connection.flushQueued()
        }
        // Still disconnected when the step ended: those were never sent.
        unsent += owedDueTimes.reduce(0) { $0 + $1.count }
        for index in owedDueTimes.indices { owedDueTimes[index].removeAll() }
        pool.pump(until: pacer.sendEnd + UInt64(plan.drainSeconds * 1e9)) {
            interruption() != nil || recorder.isSettled(step: step)
        }
        var report = CountStepReport(
            number: number, rate: rate, counters: recorder.steps[step], pacer: pacer, resources: resources)
        report.judge(minAckPercent: plan.minDeliveryPercent, p99BoundMs: plan.p99BoundMs, unsent: unsent)
        progress.endLine()
        progress.note(ReportPrinter.countStepLine(report))
        return report
    }

    /// The publisher's connection if it is open and welcomed.
    private func openPublisher(_ publisher: Int) -> WebSocketClientConnection? {
        guard let connection = pool.connections[connectionIDs[publisher]], connection.state == .open,
            recorder.isWelcomed(publisher: publisher)
        else { return nil }
        return connection
    }

    /// A dropped publisher connects again, at most every half second while the daemon is down.
    private func reconnectIfDue(_ publisher: Int) {
        let now = MonotonicClock.now()
        guard now >= nextReconnect[publisher] else { return }
        if let connection = pool.connections[connectionIDs[publisher]], connection.state != .closed { return }
        nextReconnect[publisher] = now + 500_000_000
        connectionIDs[publisher] = pool.add(tag: publisher, path: paths[publisher])
    }

    /// Queues the publisher's next interaction, stamped with its intended send time.
    private func queue(publisher: Int, sentAt: UInt64, on connection: WebSocketClientConnection) {
        let (counter, _) = recorder.willSend(publisher: publisher)
        queue(publisher: publisher, counter: counter, sentAt: sentAt, on: connection)
    }

    /// Queues interaction `counter` of `publisher` (new, or sent again after a reconnect).
    private func queue(publisher: Int, counter: Int, sentAt: UInt64, on connection: WebSocketClientConnection) {
        let type = InteractionType.of(publisher: publisher, counter: counter)
        frameBuffer.removeAll(keepingCapacity: true)
        frames.append(
            type, locale: locales[publisher], id: BenchMessageID(publisher: publisher, index: counter, sentAt: sentAt),
            to: &frameBuffer)
        _ = frameBuffer.withUnsafeBytes { connection.queueText($0) }
    }

    /// Every room's counters, in room order; one shared time budget.
    private func readCounters() -> [Result<[String: Int], BenchError>] {
        let statsDeadline = MonotonicClock.now() + UInt64(Self.statsSeconds * 1e9)
        return plan.rooms.map { room in
            Result { () throws(BenchError) in
                try RoomStatsClient.fetch(room: room, endpoint: plan.endpoint, deadline: statsDeadline).counters
            }
        }
    }

    private func makeCheck(before: [[String: Int]], after: [Result<[String: Int], BenchError>]) -> CountCheck {
        var rooms: [CountCheck.Room] = []
        var errors: [String] = []
        for (index, name) in plan.rooms.enumerated() {
            switch after[index] {
            case .success(let counters):
                let expected = recorder.expectedCounters(room: index)
                rooms.append(
                    CountCheck.Room(
                        name: name, before: before[index], after: counters, acked: expected.acked,
                        unacked: expected.unacked))
            case .failure(let error):
                errors.append("\(name): \(error)")
            }
        }
        return CountCheck(rooms: rooms, errors: errors)
    }

    private func progressText(number: Int, rate: Double, step: Int, elapsed: UInt64) -> String {
        let counters = recorder.steps[step]
        let percent = counters.sent > 0 ? Double(counters.acked) / Double(counters.sent) * 100 : 100
        return "count step \(number)/\(plan.roomRates.count) \(Format.fixed(rate, 0))/s "
            + "\(Format.fixed(Double(elapsed) / 1e9, 0))/\(Format.fixed(plan.stepSeconds, 0)) s  "
            + "sent \(counters.sent)  acked \(counters.acked) (\(Format.fixed(percent, 2)) %)  "
            + "p99 \(Format.fixed(StepReport.milliseconds(counters.ackLatency, percentile: 99), 1)) ms  "
            + "anomalies \(counters.anomalies.total)"
    }

    private func interruption() -> String? { pool.stopReason(deadline: deadline) }
}
