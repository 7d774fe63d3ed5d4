import ChorusCore
import ChorusSync

/// The rooms this node follows (`ClusterLink.feeds`): each room's `RoomFeed`, batches heard
/// before the feed existed (the subscription was confirmed before `sync` read the room), and
/// rooms whose subscription was confirmed before then.
struct FeedTable {
    typealias Feed = RoomFeed<[RoomMessage]?>
    var feeds: [String: Feed] = [:]
    var early: [String: [(range: ClosedRange<UInt64>, messages: [RoomMessage]?)]] = [:]

    /// A room already followed: the hub adopts where its feed stands.
    mutating func adoptExisting(_ room: String, _ adopt: (ClusterRoomState) -> Void) -> Bool {
        guard let feed = feeds[room] else { return false }
        adopt(ClusterRoomState(through: feed.delivered, history: []))
        return true
    }
}

/// Extending the link: what subscribers hear, put in order per room (`RoomFeed`) and handed to
/// the relay. Runs on the subscriber thread of the room's master, with `feeds` locked (so a
/// `sync` on a service thread sees a room either before or after, never half way).
extension ClusterLink {
    /// A subscriber thread's own connection for reading history.
    final class HistoryReader: @unchecked Sendable {
        var router: RedisRouter?
    }

    func subscriberHandler(for master: RedisEndpoint) -> RedisSubscriber.Handler {
        let reader = HistoryReader()
        return RedisSubscriber.Handler(
            // Weak: the link holds its subscribers, so a strong capture would keep both forever.
            batch: { [weak self] room, first, bytes in
                guard let self else { return }
                let messages = try? ClusterBatchCodec.decode(bytes, first: first).messages
                let count = (try? ClusterBatchCodec.messageCount(bytes)) ?? 1
                let range = first...first + UInt64(max(count, 1)) - 1
                feeds.withLock { table in
                    if unfollowed.withLock({ $0.contains(room) }) {
                        table.feeds[room] = nil  // closed here: heard until the unsubscribe lands
                        return
                    }
                    guard table.feeds[room] != nil else {
                        table.early[room, default: []].append((range, messages))
                        return
                    }
                    let actions = table.feeds[room]!.receive(messages, range: range)
                    perform(actions, room: room, table: &table, reader: reader)
                }
            },
            subscribed: { [weak self] room in
                guard let self else { return }
                feeds.withLock { table in
                    // Before its feed exists `sync` reads the room after this: nothing missed.
                    guard table.feeds[room] != nil else { return }
                    let actions = table.feeds[room]!.catchUp()
                    perform(actions, room: room, table: &table, reader: reader)
                }
            },
            other: { [weak self] push in
                guard let self else { return }
                if let change = RoomLog.slowMode(push) { delivery.slowMode(change.room, change.seconds) }
            },
            connected: { [weak self] in
                guard let self else { return }
                if health.withLock({ $0.subscriptionsDown.remove("\(master)") != nil }) {
                    delivery.warning("cluster: subscription to Redis back", ["redis": "\(master)"])
                }
            },
            disconnected: { [weak self] error in
                guard let self else { return }
                reader.router = nil
                // Called at every failed attempt while down: said once.
                if health.withLock({ $0.subscriptionsDown.insert("\(master)").inserted }) {
                    delivery.warning(
                        "cluster: subscription to Redis lost; reconnecting",
                        ["redis": "\(master)", "error": "\(error)"])
                }
            })
    }

    /// Creates a room's feed where `sync` found it, has the hub adopt it, then hands on what
    /// was heard meanwhile. With `feeds` locked.
    func createFeed(
        _ room: String, state: ClusterRoomState, history: [(range: ClosedRange<UInt64>, messages: [RoomMessage])],
        table: inout FeedTable, adopt: (ClusterRoomState) -> Void
    ) {
        table.feeds[room] = FeedTable.Feed(after: state.through)
        var adopted = state
        adopted.history = history
        adopt(adopted)
        let reader = HistoryReader()
        for (range, messages) in table.early.removeValue(forKey: room) ?? [] {
            let actions = table.feeds[room]!.receive(messages, range: range)
            perform(actions, room: room, table: &table, reader: reader)
        }
    }

    /// Carries out a feed's actions: deliveries and gaps to the relay, fetches from history
    /// (whose answers may lead to more).
    func perform(_ initial: [FeedTable.Feed.Action], room: String, table: inout FeedTable, reader: HistoryReader) {
        var actions = initial
        while !actions.isEmpty {
            switch actions.removeFirst() {
            case .deliver(let messages, let range):
                if let messages {
                    delivery.batch(room, range, messages)
                } else {
                    gap(room, range)
                }
            case .gap(let range):
                gap(room, range)
            case .fetch(let after, _):
                do {
                    let (batches, complete) = try readHistory(room, after: after, reader: reader)
                    actions += table.feeds[room]?.fetched(batches, complete: complete) ?? []
                } catch {
                    reader.router = nil
                    table.feeds[room]?.fetchFailed()
                    delivery.warning("cluster: cannot read a room's history", ["room": room, "error": "\(error)"])
                }
            }
        }
    }

    private func gap(_ room: String, _ range: ClosedRange<UInt64>) {
        health.withLock { $0.gapMessages += UInt64(range.count) }
        delivery.gap(room, range)
    }

    static let historyReadLimit = 1_000

    private func readHistory(
        _ room: String, after: UInt64, reader: HistoryReader
    ) throws(RedisError) -> ([(batch: [RoomMessage]?, range: ClosedRange<UInt64>)], Bool) {
        if reader.router == nil {
            reader.router = try RedisRouter(seeds: settings.endpoints, timeoutSeconds: timeoutSeconds)
        }
        let stored = try reader.router!.run(key: RoomLog.streamKey(room)) { redis throws(RedisError) in
            try RoomLog.read(room: room, after: after, limit: Self.historyReadLimit, on: redis)
        }
        let decoded = Self.decode(stored).map { (batch: $0.messages, range: $0.range) }
        return (decoded, stored.count < Self.historyReadLimit)
    }
}
