import ChorusCore

/// One flushed batch on its way through Redis (`ClusterLink+Publisher`): the script stores it,
/// or refuses it for retries it recognises — then the rest goes again as a new round, with
/// its own ID. Rounds and IDs are the same however often the whole job is started over, so a
/// round Redis already stored is answered with the same numbers, never stored twice.
struct PublishJob {
    let id: String
    private var batch: ClusterOutgoing
    private var round = 0
    /// The append of the current round, kept until Redis answers it.
    private(set) var current: RoomLog.Append?
    private(set) var acks: [PendingAck] = []
    /// The same key twice in one batch: the later ones answer with the first's number.
    private let repeatAcks: [(ack: PendingAck, key: String)]
    /// The number each key ended with (stored now, or its first attempt's).
    private var numberOfKey: [String: UInt64] = [:]

    init(_ flushed: ClusterOutgoing, id: String) {
        self.id = id
        var firstIndexOfKey: [String: Int] = [:]
        var repeats: [Int: String] = [:]
        for (index, key) in flushed.keys {
            if firstIndexOfKey[key] == nil { firstIndexOfKey[key] = index } else { repeats[index] = key }
        }
        repeatAcks = flushed.acks.compactMap { entry in repeats[entry.index].map { (entry.ack, $0) } }
        batch = flushed.removing(Set(repeats.keys))
    }

    var room: String { batch.room }
    var isDone: Bool { current == nil && batch.messages.isEmpty }

    /// The append to send now (the current round's again until it is answered).
    mutating func nextAppend(node: String, keepMessages: Int, idempotencyWindowMs: Int64) -> RoomLog.Append? {
        if let current { return current }
        guard !batch.messages.isEmpty else { return nil }
        round += 1
        let nowMs = ClusterLink.wallMilliseconds()
        current = RoomLog.Append(
            batch: ClusterBatchCodec.encode(node: node, sentAtMs: nowMs, messages: batch.messages),
            count: batch.messages.count, room: batch.room, keepMessages: keepMessages, floor: batch.floor,
            commit: RoomCommit(
                increments: batch.increments, idempotencyKeys: batch.keys, nowMs: nowMs,
                idempotencyWindowMs: idempotencyWindowMs, batchID: "\(id)/\(round)"))
        return current
    }

    /// Redis's answer to the current round; returns the retries it recognised (0 once stored).
    mutating func apply(_ outcome: RoomLog.Outcome) -> Int {
        current = nil
        switch outcome {
        case .appended(let range):
            for (index, ack) in batch.acks { acks.append(numbered(ack, range.lowerBound + UInt64(index))) }
            for (index, key) in batch.keys { numberOfKey[key] = range.lowerBound + UInt64(index) }
            batch.messages = []
            answerRepeats()
            return 0
        case .duplicates(let earlier):
            for (index, ack) in batch.acks {
                if let seq = earlier[index] { acks.append(numbered(ack, seq, duplicate: true)) }
            }
            for (index, key) in batch.keys { if let seq = earlier[index] { numberOfKey[key] = seq } }
            batch = batch.removing(Set(earlier.keys))
            if batch.messages.isEmpty { answerRepeats() }
            return earlier.count
        }
    }

    private mutating func answerRepeats() {
        for (ack, key) in repeatAcks {
            if let seq = numberOfKey[key] { acks.append(numbered(ack, seq, duplicate: true)) }
        }
    }

    private func numbered(_ ack: PendingAck, _ seq: UInt64, duplicate: Bool = false) -> PendingAck {
        var answered = ack
        answered.seq = seq
        answered.duplicate = duplicate
        return answered
    }
}
