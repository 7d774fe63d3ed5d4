/// The bench's messages found in recent batches of one room, keyed by sequence range.
///
/// docs/protocol.md: a batch is encoded once and the same frame goes to every member. So the
/// first member to receive a batch pays for the full scan (counting messages, finding and
/// parsing `cid`s), and the other 999 viewers only read the header and look the result up here.
/// A hit requires the same `from`, `to` and payload length; `--no-batch-cache` turns this off
/// to scan every copy.
struct BatchCache {
    /// One of the bench's own messages inside a batch.
    struct Message {
        var step: Int32
        var publisher: Int32
        var sentAt: UInt64
    }

    struct Entry {
        var from: UInt64
        var to: UInt64
        var length: Int
        var messages: [Message]
    }

    /// Slots indexed by `from`; a room's batches arrive in order, so recent ones never collide
    /// unless more than this many batches are in flight at once.
    private static let slotCount = 1_024

    private var slots: [Entry?] = Array(repeating: nil, count: slotCount)

    func lookup(from: UInt64, to: UInt64, length: Int) -> Entry? {
        guard let entry = slots[Int(from % UInt64(Self.slotCount))],
            entry.from == from, entry.to == to, entry.length == length
        else { return nil }
        return entry
    }

    mutating func insert(_ entry: Entry) {
        slots[Int(entry.from % UInt64(Self.slotCount))] = entry
    }
}
