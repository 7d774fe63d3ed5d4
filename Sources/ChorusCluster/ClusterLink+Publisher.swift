import ChorusCore

/// The publisher thread: flushed batches, oldest first, through Redis's room script, up to
/// `batchesPerRound` in one round trip per Redis server (`RoomLog.append(_:on:)`: one fsync
/// for the round under `appendfsync always`). Batches leave the queue only once Redis stored
/// them (or refused them as retries); while Redis fails they stay and are tried again after a
/// back-off, so nothing is acknowledged before it is stored and rooms keep their order.
extension ClusterLink {
    static let batchesPerRound = 256

    func runPublisher() {
        var connected: RedisRouter?
        var backoffMs: Int32 = 50
        var presence = PresenceRound(intervalMs: Int64(settings.presenceIntervalMs))
        while !stopping.load(ordering: .acquiring) {
            if presence.isDue(nowMs: Self.wallMilliseconds()), let router = connected {
                presence.run(link: self, router: router)
            }
            if let router = connected { shareSlowModes(through: router) }
            let next = outgoing.withLock { Array($0.prefix(Self.batchesPerRound)) }
            guard !next.isEmpty else {
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
                try publish(next, through: connected!)
                outgoing.withLock { $0.removeFirst(next.count) }
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

    /// Consoles' slow mode changes, to Redis and so to every node; one that fails waits for
    /// the next turn.
    private func shareSlowModes(through router: RedisRouter) {
        while let change = slowModeChanges.withLock({ $0.first }) {
            do {
                try router.run(key: RoomLog.counterKey(change.room)) { redis throws(RedisError) in
                    try RoomLog.setSlowMode(room: change.room, seconds: change.seconds, on: redis)
                }
                slowModeChanges.withLock { _ = $0.removeFirst() }
            } catch {
                return
            }
        }
    }

    /// Stores these batches, each numbered by its room's script, then sends their acks with
    /// their numbers. A retry Redis recognises (same idempotency key, from any node, or twice
    /// in one batch) is acknowledged with its first attempt's number and left out; the rest of
    /// its batch goes in the next round (after later batches of the round, the one exception
    /// to a room's order).
    private func publish(_ queued: [(id: String, batch: ClusterOutgoing)], through router: RedisRouter)
        throws(RedisError)
    {
        var jobs = queued.map { PublishJob($0.batch, id: $0.id) }
        var redirections = 0
        while true {
            // Each server's appends, in queue order.
            var byServer: [RedisEndpoint: [Int]] = [:]
            var servers: [RedisEndpoint] = []
            for index in jobs.indices {
                guard
                    jobs[index].nextAppend(
                        node: nodeName, keepMessages: keepMessages, idempotencyWindowMs: idempotencyWindowMs) != nil
                else { continue }
                let server = router.owner(of: RoomLog.counterKey(jobs[index].room))
                if byServer[server] == nil { servers.append(server) }
                byServer[server, default: []].append(index)
            }
            if servers.isEmpty { break }
            for server in servers {
                let indexes = byServer[server]!
                let connection = try router.connection(to: server)
                let results: [Result<RoomLog.Outcome, RedisError>]
                do {
                    results = try RoomLog.append(indexes.map { jobs[$0].current! }, on: connection)
                } catch {
                    router.forget(server)
                    throw error
                }
                for (index, result) in zip(indexes, results) {
                    switch result {
                    case .success(let outcome):
                        let duplicates = jobs[index].apply(outcome)
                        health.withLock {
                            $0.duplicates += UInt64(duplicates)
                            if jobs[index].isDone { $0.publishedBatches += 1 }
                        }
                    case .failure(let error) where error.errorCode == "MOVED" || error.errorCode == "ASK":
                        // The room's slot moved: read the map again and send it where it lives now.
                        redirections += 1
                        guard redirections <= 16 else { throw error }
                        try router.refresh()
                    case .failure(let error):
                        throw error
                    }
                }
            }
        }
        let acks = jobs.flatMap(\.acks)
        if !acks.isEmpty { delivery.acks(acks) }
    }
}
