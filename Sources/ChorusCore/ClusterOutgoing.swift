/// A cluster room's batch as it leaves the hub, not yet numbered: Redis's room script numbers,
/// counts, stores and publishes it in one step (`ChorusCluster.RoomLog`). Every node,
/// this one included, then hands it to its members as it hears it back.
public struct ClusterOutgoing: Sendable {
    public var room: String
    public var messages: [RoomMessage]
    /// Acks owed once it is stored, by the index of their message in `messages`.
    public var acks: [(index: Int, ack: PendingAck)]
    /// Idempotency keys of its messages, by index.
    public var keys: [(index: Int, key: String)]
    /// The highest number this node has seen in the room: Redis never numbers below it.
    public var floor: UInt64
    /// When it was flushed (monotonic ns), for the publish latency.
    public var flushedAt: UInt64

    public init(
        room: String, messages: [RoomMessage], acks: [(index: Int, ack: PendingAck)], keys: [(index: Int, key: String)],
        floor: UInt64, flushedAt: UInt64
    ) {
        self.room = room
        self.messages = messages
        self.acks = acks
        self.keys = keys
        self.floor = floor
        self.flushedAt = flushedAt
    }

    /// Count cells of its messages, as Redis keeps them: `minute|kind|language|region` → count.
    public var increments: [(field: String, delta: UInt64)] {
        var cells: [String: UInt64] = [:]
        for message in messages {
            let field = ClusterCounts.field(
                minute: message.receivedAtMs / 60_000, kind: message.payload.kind, language: message.language,
                region: message.author.region)
            cells[field, default: 0] += 1
        }
        return cells.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The batch without the messages at `indexes` (duplicates Redis recognised), with acks and
    /// keys moved to the messages' new places.
    public func removing(_ indexes: Set<Int>) -> ClusterOutgoing {
        var newIndex: [Int: Int] = [:]
        var kept: [RoomMessage] = []
        for (index, message) in messages.enumerated() where !indexes.contains(index) {
            newIndex[index] = kept.count
            kept.append(message)
        }
        var copy = self
        copy.messages = kept
        copy.acks = acks.compactMap { entry in newIndex[entry.index].map { ($0, entry.ack) } }
        copy.keys = keys.compactMap { entry in newIndex[entry.index].map { ($0, entry.key) } }
        return copy
    }
}
