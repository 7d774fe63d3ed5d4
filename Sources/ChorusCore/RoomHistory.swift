/// A room's most recent batches, kept so that a console or viewer reconnecting with
/// `since=<seq>` gets exactly the messages it has not seen.
///
/// Bounded both ways: at most `maxMessages` messages (whole batches are dropped, oldest
/// first, once the total passes it) and nothing older than `maxAgeNanoseconds`. Owned by the
/// `Hub`, so only touched under the hub's lock.
struct RoomHistory {
    private struct Entry {
        var batch: RoomBatch
        /// When the batch was flushed (monotonic nanoseconds).
        var flushedAt: UInt64
    }

    let maxMessages: Int
    let maxAgeNanoseconds: UInt64
    private var entries: [Entry] = []
    private var head = 0
    private(set) var messageCount = 0

    init(maxMessages: Int, maxAgeNanoseconds: UInt64) {
        self.maxMessages = maxMessages
        self.maxAgeNanoseconds = maxAgeNanoseconds
    }

    /// The oldest sequence number still held.
    var firstSeq: UInt64? { head < entries.count ? entries[head].batch.range.lowerBound : nil }

    mutating func append(_ batch: RoomBatch, now: UInt64) {
        guard maxMessages > 0 else { return }
        entries.append(Entry(batch: batch, flushedAt: now))
        messageCount += batch.messages.count
        while messageCount > maxMessages, head < entries.count { dropOldest() }
        trim(now: now)
    }

    /// Forgets batches older than the age limit.
    mutating func trim(now: UInt64) {
        while head < entries.count, now &- entries[head].flushedAt > maxAgeNanoseconds { dropOldest() }
    }

    /// The held batches after `seq`, the first one cut to start at `seq + 1` when `seq` falls
    /// inside it, and re-encoded then.
    func batches(after seq: UInt64) -> [RoomBatch] {
        var result: [RoomBatch] = []
        // Batches are in sequence order: find the first one that ends after `seq`.
        var low = head
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].batch.range.upperBound > seq { high = middle } else { low = middle + 1 }
        }
        for index in low..<entries.count {
            let batch = entries[index].batch
            if batch.range.lowerBound > seq {
                result.append(batch)
            } else {
                let messages = batch.messages.filter { $0.seq > seq }
                let range = (seq + 1)...batch.range.upperBound
                let frame = BatchEncoder.encode(room: batch.room, range: range, messages: messages)
                result.append(RoomBatch(room: batch.room, range: range, messages: messages, frame: frame))
            }
        }
        return result
    }

    private mutating func dropOldest() {
        messageCount -= entries[head].batch.messages.count
        head += 1
        if head == entries.count {
            entries = []
            head = 0
        } else if head > 32, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
