import ChorusCore

/// The publisher thread: each flushed batch, oldest first, through Redis's room script. A batch
/// leaves the queue only once Redis stored it (or refused all of it as retries); while Redis
/// fails, the batch stays first and is tried again after a back-off, so nothing is
/// acknowledged before it is stored and rooms keep their order.
extension ClusterLink {
    func runPublisher() {
        var connected: RedisRouter?
        var backoffMs: Int32 = 50
        var presence = PresenceRound(intervalMs: Int64(settings.presenceIntervalMs))
        while !stopping.load(ordering: .acquiring) {
            if presence.isDue(nowMs: Self.wallMilliseconds()), let router = connected {
                presence.run(link: self, router: router)
            }
            guard let next = outgoing.withLock({ $0.first }) else {
                publisherWakeup.wait(
                    timeoutMs: connected == nil ? backoffMs : presence.msUntilDue(nowMs: Self.wallMilliseconds()))
                if connected == nil {
                    connected = try? RedisRouter(seeds: settings.endpoints, timeoutSeconds: timeoutSeconds)
                }
                continue
            }
            do {
                if connected == nil {
                    connected = try RedisRouter(seeds: settings.endpoints, timeoutSeconds: timeoutSeconds)
                }
                try publish(next.batch, id: next.id, through: connected!)
                outgoing.withLock { _ = $0.removeFirst() }
                if health.withLock({ $0.unreachableReason }) != nil {
                    health.withLock { $0.unreachableReason = nil }
                    delivery.warning("cluster: Redis answers again", [:])
                }
                backoffMs = 50
            } catch {
                if health.withLock({ $0.unreachableReason }) == nil {
                    delivery.warning("cluster: Redis does not answer; batches wait", ["error": "\(error)"])
                }
                health.withLock { $0.unreachableReason = "\(error)" }
                connected = nil
                publisherWakeup.wait(timeoutMs: backoffMs)
                backoffMs = min(backoffMs * 2, 1_000)
            }
        }
    }

    /// Stores one batch: numbered by the room's script, its acks sent with their numbers. A
    /// retry Redis recognises (same idempotency key, from any node, or twice in this batch) is
    /// acknowledged with its first attempt's number and left out.
    private func publish(_ flushed: ClusterOutgoing, id: String, through router: RedisRouter) throws(RedisError) {
        var batch = flushed
        var acks: [PendingAck] = []
        // The same key twice in one batch: the later ones answer with the first's number.
        var firstIndexOfKey: [String: Int] = [:]
        var repeats: [Int: String] = [:]
        for (index, key) in batch.keys {
            if firstIndexOfKey[key] == nil { firstIndexOfKey[key] = index } else { repeats[index] = key }
        }
        let repeatAcks = batch.acks.compactMap { entry in repeats[entry.index].map { (entry.ack, $0) } }
        batch = batch.removing(Set(repeats.keys))
        /// The number each key ended with (stored now, or its first attempt's).
        var numberOfKey: [String: UInt64] = [:]
        // Each round (after Redis left out retries) is another batch, with its own ID.
        var round = 0
        while !batch.messages.isEmpty {
            round += 1
            let bytes = ClusterBatchCodec.encode(
                node: nodeName, sentAtMs: Self.wallMilliseconds(), messages: batch.messages)
            let commit = RoomCommit(
                increments: batch.increments, idempotencyKeys: batch.keys, nowMs: Self.wallMilliseconds(),
                idempotencyWindowMs: idempotencyWindowMs, batchID: "\(id)/\(round)")
            let count = batch.messages.count
            let room = batch.room
            let floor = batch.floor
            let outcome = try router.run(key: RoomLog.counterKey(room)) { redis throws(RedisError) in
                try RoomLog.append(
                    bytes, count: count, room: room, keepMessages: keepMessages, floor: floor, commit: commit,
                    on: redis)
            }
            switch outcome {
            case .appended(let range):
                for (index, ack) in batch.acks {
                    var numbered = ack
                    numbered.seq = range.lowerBound + UInt64(index)
                    acks.append(numbered)
                }
                for (index, key) in batch.keys { numberOfKey[key] = range.lowerBound + UInt64(index) }
                health.withLock { $0.publishedBatches += 1 }
                batch.messages = []
            case .duplicates(let earlier):
                for (index, ack) in batch.acks {
                    guard let seq = earlier[index] else { continue }
                    var answered = ack
                    answered.seq = seq
                    answered.duplicate = true
                    acks.append(answered)
                }
                for (index, key) in batch.keys { if let seq = earlier[index] { numberOfKey[key] = seq } }
                health.withLock { $0.duplicates += UInt64(earlier.count) }
                batch = batch.removing(Set(earlier.keys))
            }
        }
        for (ack, key) in repeatAcks {
            guard let seq = numberOfKey[key] else { continue }
            var answered = ack
            answered.seq = seq
            answered.duplicate = true
            acks.append(answered)
        }
        if !acks.isEmpty { delivery.acks(acks) }
    }
}
