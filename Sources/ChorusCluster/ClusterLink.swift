public import ChorusCore
import ChorusSync
import Glibc
import Synchronization

/// A node's link to the cluster through Redis (`cluster.redis`): the transport's
/// `ClusterBroker`. Three kinds of thread work here:
/// - the **publisher** thread takes flushed batches (`publish`, from any thread, queued under
///   a lock) and has Redis's room script number, count, store and publish each, then sends
///   the acks (`+Publisher`);
/// - one **subscriber** thread per Redis master hears the rooms' batches and hands them to
///   the relay in each room's order through the room's `RoomFeed` (`+Feeds`);
/// - **service threads** call `sync` before a room's first member joins on this node.
/// The feeds are behind one lock (`feeds`), taken before the hub's, never after.
public final class ClusterLink: ClusterBroker, @unchecked Sendable {
    /// Where the link hands what it hears: the relay, wired by the server.
    public struct Delivery: Sendable {
        public var batch: @Sendable (_ room: String, _ range: ClosedRange<UInt64>, _ messages: [RoomMessage]) -> Void
        public var gap: @Sendable (_ room: String, _ range: ClosedRange<UInt64>) -> Void
        public var acks: @Sendable ([PendingAck]) -> Void
        /// Something an operator should know (Redis down or back, a batch dropped).
        public var warning: @Sendable (_ message: String, _ metadata: [String: String]) -> Void
        /// A console on some node set a room's slow mode.
        public var slowMode: @Sendable (_ room: String, _ seconds: Int) -> Void
        /// This node's members per cluster room (`Hub.localPresence`).
        public var presence: @Sendable () -> [String: (viewers: Int, consoles: Int)]
        /// Every live node's members per room, as Redis summed them.
        public var adoptPresence: @Sendable ([String: (viewers: Int, consoles: Int)]) -> Void

        public init(
            batch: @escaping @Sendable (String, ClosedRange<UInt64>, [RoomMessage]) -> Void,
            gap: @escaping @Sendable (String, ClosedRange<UInt64>) -> Void,
            acks: @escaping @Sendable ([PendingAck]) -> Void,
            warning: @escaping @Sendable (String, [String: String]) -> Void,
            slowMode: @escaping @Sendable (String, Int) -> Void = { _, _ in },
            presence: @escaping @Sendable () -> [String: (viewers: Int, consoles: Int)] = { [:] },
            adoptPresence: @escaping @Sendable ([String: (viewers: Int, consoles: Int)]) -> Void = { _ in }
        ) {
            self.batch = batch
            self.gap = gap
            self.acks = acks
            self.warning = warning
            self.slowMode = slowMode
            self.presence = presence
            self.adoptPresence = adoptPresence
        }
    }

    let settings: ChorusConfig.Cluster
    let nodeName: String
    /// Messages of history each room keeps in Redis, and keys' window (`rooms.*`, `storage.*`).
    let keepMessages: Int
    let idempotencyWindowMs: Int64
    let delivery: Delivery
    /// The slot map at start: which master holds each room (and so which subscriber hears it).
    let routing: Locked<RedisRouter>
    /// Flushed batches waiting for the publisher thread, oldest first, each with its ID (kept
    /// across retries, so Redis stores it once).
    let outgoing = Locked<[(id: String, batch: ClusterOutgoing)]>([])
    /// Numbers this link's batches: with `nodeName` and `incarnation`, their IDs.
    let batchCounter = Atomic<UInt64>(0)
    /// Tells this run's batch IDs from an earlier run's with the same host and pid.
    let incarnation = UInt64.random(in: 0...UInt64.max)
    let publisherWakeup = WakeupPipe()
    /// Rooms closed on this node whose feeds are still to be dropped (`unfollow`).
    let unfollowed = Locked<Set<String>>([])
    /// Slow mode changes set by consoles here, for the publisher thread to share.
    let slowModeChanges = Locked<[(room: String, seconds: Int)]>([])
    let stopping = Atomic<Bool>(false)
    /// Each room this node follows, with batches heard before its feed existed and whether
    /// Redis confirmed the subscription before then (`+Feeds`).
    let feeds = Locked<FeedTable>(FeedTable())
    /// Routers for service threads' `sync`, taken and given back (one thread uses one at a time).
    let syncRouters = Locked<[RedisRouter]>([])
    /// One per master, made in `init` and never changed after: service threads read it
    /// (`sync`, `unfollow`) without a lock.
    private(set) var subscribers: [RedisEndpoint: RedisSubscriber] = [:]
    var publisher: JoinableThread?
    /// What `/healthz` and the metrics say of Redis (`+Health`).
    let health = Locked(ClusterHealth())

    /// Connects once to learn the slot map (throws when no seed answers).
    public init(
        config: ChorusConfig, nodeName: String, delivery: Delivery
    ) throws(RedisError) {
        settings = config.cluster
        self.nodeName = nodeName
        keepMessages = config.rooms.historyMessages
        idempotencyWindowMs = Int64(config.storage.idempotencyWindowSeconds) * 1000
        self.delivery = delivery
        routing = Locked(
            try RedisRouter(
                seeds: config.cluster.endpoints, timeoutSeconds: Double(config.cluster.commandTimeoutMs) / 1000))
        for master in routing.withLock({ $0.masters }) {
            subscribers[master] = RedisSubscriber(endpoint: master, handler: subscriberHandler(for: master))
        }
    }

    var timeoutSeconds: Double { Double(settings.commandTimeoutMs) / 1000 }

    /// Starts the publisher and the subscribers (before the relay's service threads start).
    public func start() {
        for subscriber in subscribers.values { subscriber.start() }
        guard let thread = JoinableThread.start({ self.runPublisher() }) else {
            preconditionFailure("cannot start the cluster publisher thread")
        }
        publisher = thread
    }

    /// Waits for what is queued to be published (at most `timeoutSeconds`).
    public func finishPublishing() {
        let deadline = Self.monotonicNanoseconds() &+ UInt64(timeoutSeconds * 1e9)
        while outgoing.withLock({ !$0.isEmpty }), Self.monotonicNanoseconds() < deadline { usleep(5_000) }
    }

    /// Stops the threads (call `finishPublishing` first).
    public func stop() {
        stopping.store(true, ordering: .releasing)
        publisherWakeup.wake()
        publisher?.join()
        for subscriber in subscribers.values { subscriber.stop() }
    }

    // MARK: ClusterBroker

    public func publish(_ batch: ClusterOutgoing) {
        let accepted = outgoing.withLock { queue in
            guard queue.count < settings.maxPendingBatches else { return false }
            let number = batchCounter.wrappingAdd(1, ordering: .relaxed).oldValue
            queue.append(("\(nodeName)-\(incarnation)-\(number)", batch))
            return true
        }
        if accepted {
            publisherWakeup.wake()
        } else {
            health.withLock { $0.droppedBatches += 1 }
        }
    }

    public func unfollow(room: String) {
        // Under the hub lock: the feed lock is taken before the hub's elsewhere, so not here;
        // the subscriber thread drops the feed when it takes the request.
        let master = routing.withLock { $0.owner(of: RoomLog.channel(room)) }
        subscribers[master]?.unsubscribe(room: room)
        _ = unfollowed.withLock { $0.insert(room) }
    }

    public func shareSlowMode(room: String, seconds: Int) {
        slowModeChanges.withLock { $0.append((room, seconds)) }
        publisherWakeup.wake()
    }

    public func sync(room: String, adopt: (ClusterRoomState) -> Void) throws(ClusterUnavailable) {
        if unfollowed.withLock({ $0.remove(room) != nil }) {
            // Closed here and opened again: follow it afresh (the subscription too).
            feeds.withLock { table in
                table.feeds[room] = nil
                table.early[room] = nil
            }
        }
        if feeds.withLock({ table in table.adoptExisting(room, adopt) }) { return }
        let master = routing.withLock { $0.owner(of: RoomLog.channel(room)) }
        subscribers[master]?.subscribe(room: room)
        let (state, history) = try readRoom(room)
        feeds.withLock { table in
            if table.adoptExisting(room, adopt) { return }
            createFeed(room, state: state, history: history, table: &table, adopt: adopt)
        }
    }

    /// The room's number, its counts through it, and its history's batches in Redis (up to
    /// `keepMessages`).
    private func readRoom(
        _ room: String
    ) throws(ClusterUnavailable) -> (
        ClusterRoomState, [(range: ClosedRange<UInt64>, messages: [RoomMessage])]
    ) {
        let router: RedisRouter
        do {
            router =
                try syncRouters.withLock { $0.popLast() }
                ?? RedisRouter(
                    seeds: settings.endpoints, timeoutSeconds: timeoutSeconds)
        } catch {
            throw ClusterUnavailable(reason: "\(error)")
        }
        do {
            let (through, counts, slowMode) = try router.run(key: RoomLog.counterKey(room)) {
                redis throws(RedisError) in
                try RoomLog.snapshot(room: room, on: redis)
            }
            let after = through > UInt64(keepMessages) ? through - UInt64(keepMessages) : 0
            let stored = try router.run(key: RoomLog.streamKey(room)) { redis throws(RedisError) in
                try RoomLog.read(room: room, after: after, limit: max(keepMessages, 1), on: redis)
            }
            syncRouters.withLock { $0.append(router) }
            let history = Self.decode(stored).compactMap { entry in
                entry.messages.map { (range: entry.range, messages: $0) }
            }
            // Batches after `through` are the feed's to deliver (and count).
            let state = ClusterRoomState(
                through: through, counts: ClusterCounts(fields: counts), slowModeSeconds: slowMode, history: [])
            return (state, history.filter { $0.range.upperBound <= through })
        } catch {
            throw ClusterUnavailable(reason: "\(error)")
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    static func wallMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// History entries decoded; an entry that does not decode keeps its range with no messages
    /// (it becomes a gap).
    static func decode(
        _ stored: [(last: UInt64, bytes: [UInt8])]
    ) -> [(range: ClosedRange<UInt64>, messages: [RoomMessage]?)] {
        stored.map { entry in
            guard let count = try? ClusterBatchCodec.messageCount(entry.bytes), count > 0,
                UInt64(count) <= entry.last
            else { return (entry.last...entry.last, nil) }
            let first = entry.last - UInt64(count) + 1
            return (first...entry.last, try? ClusterBatchCodec.decode(entry.bytes, first: first).messages)
        }
    }
}
