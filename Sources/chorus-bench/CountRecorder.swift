/// Accounts every frame the `count` publishers receive: each ack is matched to what its
/// connection sent and checked against the ack contract; batches and `missed` frames, which
/// publishers get as room members, are only counted.
///
/// One publisher is one connection, and the pool tag of its connection is its index here.
final class CountRecorder: WebSocketEventHandler, WelcomeCounting {
    private struct Publisher {
        let room: Int
        let region: String
        var welcomed = false
        /// Connections of this publisher welcomed so far (more than one after a reconnect).
        var generation = 0
        /// Reconnected: what was never acknowledged must be sent again (same idempotency key).
        var needsResend = false
        /// Interactions sent so far, which is also the next one's counter.
        var sent = 0
        /// The lowest counter not yet acknowledged: acks come in send order, so the next ack must
        /// name this one.
        var firstUnacked = 0
        var ackedBits: [UInt64] = []
        /// Counter of the first interaction of each step (index = step; step 0 is the warm-up).
        var stepStarts = [0]
        var sentByType = Array(repeating: 0, count: InteractionType.allCases.count)
        var ackedByType = Array(repeating: 0, count: InteractionType.allCases.count)

        init(room: Int, region: String) {
            self.room = room
            self.region = region
        }

        func isAcked(_ counter: Int) -> Bool {
            let word = counter >> 6
            return word < ackedBits.count && ackedBits[word] & (1 << UInt64(counter & 63)) != 0
        }

        mutating func markAcked(_ counter: Int) {
            let word = counter >> 6
            while ackedBits.count <= word { ackedBits.append(0) }
            ackedBits[word] |= 1 << UInt64(counter & 63)
            while firstUnacked < sent && isAcked(firstUnacked) { firstUnacked += 1 }
        }

        func step(ofCounter counter: Int) -> Int {
            var step = stepStarts.count - 1
            while step > 0 && stepStarts[step] > counter { step -= 1 }
            return step
        }
    }

    /// The sequence numbers acknowledged in one room, to catch two acks with the same seq.
    private struct RoomSeqs {
        /// The room's seq at the first welcome; every interaction the bench sends is numbered after it.
        var base: UInt64?
        var bits: [UInt64] = []
        /// The publishers' connection generation these seqs belong to: a daemon restarted
        /// after `kill -9` numbers its rooms afresh.
        var generation = 1

        /// False if `seq` was acknowledged before; nil if it is not after `base`.
        mutating func insert(_ seq: UInt64) -> Bool? {
            guard let base, seq > base else { return nil }
            let offset = Int(seq - base - 1)
            let word = offset >> 6
            while bits.count <= word { bits.append(0) }
            let bit: UInt64 = 1 << UInt64(offset & 63)
            defer { bits[word] |= bit }
            return bits[word] & bit == 0
        }
    }

    let run: UInt16
    private var publishers: [Publisher] = []
    private var roomSeqs: [RoomSeqs]
    private(set) var steps = [CountStepCounters()]
    private(set) var welcomedConnections = 0
    /// Welcomed connections that ended before the bench closed them.
    private(set) var droppedAfterWelcome = 0
    /// Interactions sent and not (yet) acknowledged, over the whole run.
    private(set) var outstanding = 0
    /// With reconnects: publishers welcomed again, interactions sent again, and acks of
    /// resends the daemon recognised by their idempotency key (`"duplicate":true`).
    private(set) var reconnections = 0
    private(set) var resent = 0
    private(set) var recognisedResends = 0

    init(run: UInt16, rooms: Int) {
        self.run = run
        roomSeqs = Array(repeating: RoomSeqs(), count: rooms)
    }

    /// Registers a publisher; its index is the tag of its connection and the publisher in its cids.
    func addPublisher(room: Int, region: String) -> Int {
        publishers.append(Publisher(room: room, region: region))
        return publishers.count - 1
    }

    /// Starts a new step; returns its index.
    func beginStep() -> Int {
        steps.append(CountStepCounters())
        for index in publishers.indices { publishers[index].stepStarts.append(publishers[index].sent) }
        return steps.count - 1
    }

    /// Accounts an interaction `publisher` is about to send; returns its counter and type.
    func willSend(publisher: Int) -> (counter: Int, type: InteractionType) {
        let counter = publishers[publisher].sent
        let type = InteractionType.of(publisher: publisher, counter: counter)
        publishers[publisher].sent += 1
        publishers[publisher].sentByType[type.rawValue] += 1
        steps[steps.count - 1].sent += 1
        outstanding += 1
        return (counter, type)
    }

    func isWelcomed(publisher: Int) -> Bool { publishers[publisher].welcomed }

    /// After a reconnect: the counters still unacknowledged, to send again (once).
    func takeResend(publisher index: Int) -> [Int] {
        guard publishers[index].needsResend else { return [] }
        publishers[index].needsResend = false
        let publisher = publishers[index]
        let counters = (publisher.firstUnacked..<publisher.sent).filter { !publisher.isAcked($0) }
        resent += counters.count
        return counters
    }

    /// Whether every interaction sent in `step` has been acknowledged.
    func isSettled(step: Int) -> Bool { steps[step].acked == steps[step].sent }

    /// What the daemon should have counted in `room`: the acknowledged interactions, and those
    /// sent but not acknowledged, keyed like `RoomStatsClient.RoomStats.counters`.
    func expectedCounters(room: Int) -> (acked: [String: Int], unacked: [String: Int]) {
        var acked: [String: Int] = [:]
        var unacked: [String: Int] = [:]
        for publisher in publishers where publisher.room == room {
            for type in InteractionType.allCases {
                let sent = publisher.sentByType[type.rawValue]
                let ackedOfType = publisher.ackedByType[type.rawValue]
                CountCheck.add(ackedOfType, type: type.name, region: publisher.region, to: &acked)
                CountCheck.add(sent - ackedOfType, type: type.name, region: publisher.region, to: &unacked)
            }
        }
        return (acked, unacked)
    }

    func connectionDidOpen(_ connection: WebSocketClientConnection, at now: UInt64) {}

    func connectionDidClose(_ connection: WebSocketClientConnection, reason: CloseReason) {
        guard publishers[connection.tag].welcomed, reason.text != "bench finished" else { return }
        droppedAfterWelcome += 1
        publishers[connection.tag].welcomed = false
    }

    func connection(
        _ connection: WebSocketClientConnection, didReceive payload: UnsafeRawBufferPointer,
        at now: UInt64
    ) {
        let current = steps.count - 1
        switch FrameScanner.kind(of: payload) {
        case .ack:
            receiveAck(publisher: connection.tag, payload: payload, at: now)
        case .batch:
            steps[current].batches += 1
        case .missed:
            steps[current].missedFrames += 1
        case .welcome:
            guard !publishers[connection.tag].welcomed else { return }
            publishers[connection.tag].welcomed = true
            publishers[connection.tag].generation += 1
            let generation = publishers[connection.tag].generation
            if generation == 1 {
                welcomedConnections += 1
            } else {
                reconnections += 1
                publishers[connection.tag].needsResend = true
            }
            let seq = FrameScanner.integer(after: FrameScanner.Keys.seq, in: payload) ?? 0
            let room = publishers[connection.tag].room
            if generation > roomSeqs[room].generation {
                roomSeqs[room] = RoomSeqs(base: seq, generation: generation)
            } else {
                roomSeqs[room].base = min(roomSeqs[room].base ?? seq, seq)
            }
        case .error:
            steps[current].anomalies.serverErrors += 1
        case .other:
            break
        }
    }

    private func receiveAck(publisher index: Int, payload: UnsafeRawBufferPointer, at now: UInt64) {
        let current = steps.count - 1
        guard let seq = FrameScanner.integer(after: FrameScanner.Keys.seq, in: payload) else {
            steps[current].anomalies.malformedAcks += 1
            return
        }
        var cid: BenchMessageID?
        FrameScanner.forEachCid(in: payload) { value in
            if cid == nil { cid = BenchMessageID(cid: value, run: run) }
        }
        guard let id = cid, id.publisher == index, id.index < publishers[index].sent else {
            steps[current].anomalies.unknownCid += 1
            return
        }
        guard !publishers[index].isAcked(id.index) else {
            steps[current].anomalies.duplicateAcks += 1
            return
        }
        if id.index != publishers[index].firstUnacked { steps[current].anomalies.outOfOrderAcks += 1 }
        publishers[index].markAcked(id.index)
        if Self.isDuplicate(payload) {
            // A resend the daemon had already counted: its seq is the first attempt's, from
            // before the restart, so it is not checked against this generation's seqs.
            recognisedResends += 1
        } else {
            switch roomSeqs[publishers[index].room].insert(seq) {
            case true?: break
            case false?: steps[current].anomalies.duplicateSeqs += 1
            case nil: steps[current].anomalies.malformedAcks += 1
            }
        }
        let type = InteractionType.of(publisher: index, counter: id.index)
        publishers[index].ackedByType[type.rawValue] += 1
        outstanding -= 1
        let step = publishers[index].step(ofCounter: id.index)
        steps[step].acked += 1
        steps[step].ackLatency.record(StepCounters.clampMicroseconds(now &- id.sentAt))
    }

    private static let duplicateMark = Array(#""duplicate":true"#.utf8)

    private static func isDuplicate(_ payload: UnsafeRawBufferPointer) -> Bool {
        let mark = duplicateMark
        guard payload.count >= mark.count else { return false }
        for start in 0...(payload.count - mark.count) where payload[start] == mark[0] {
            if (1..<mark.count).allSatisfy({ payload[start + $0] == mark[$0] }) { return true }
        }
        return false
    }
}
