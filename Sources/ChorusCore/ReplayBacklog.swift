/// Batches a resuming console still has to receive, fed into its outbound queue only as the
/// queue drains, so a replay larger than the console's byte budget does not close it again.
///
/// Live batches that arrive while a replay is under way wait behind it, keeping the order.
/// Replayed batches share their storage with the room's history, so holding them costs
/// little; live ones are new memory, bounded by the console's budget (`liveBytes`).
struct ReplayBacklog<Frame: OutboundFrame> {
    /// Nil until a replay needs it: every member carries this field, few ever resume, and an
    /// empty backlog should cost one word of an idle connection, not four.
    private final class Storage {
        var entries: [OutboundQueue<Frame>.Entry] = []
        var head = 0
        var liveBytes = 0
        var liveFlags: [Bool] = []
    }

    private var storage: Storage?

    var isEmpty: Bool { storage == nil }

    /// Bytes of live (not replayed) batches waiting here.
    var liveBytes: Int { storage?.liveBytes ?? 0 }

    mutating func append(_ entry: OutboundQueue<Frame>.Entry, live: Bool) {
        // Members are changed in place, never copied, so the storage is never shared.
        let storage = self.storage ?? Storage()
        self.storage = storage
        storage.entries.append(entry)
        storage.liveFlags.append(live)
        if live { storage.liveBytes += entry.byteCount }
    }

    /// The next entry if it fits in `room` bytes.
    mutating func take(fitting room: Int) -> OutboundQueue<Frame>.Entry? {
        guard let storage, storage.entries[storage.head].byteCount <= room else { return nil }
        let entry = storage.entries[storage.head]
        if storage.liveFlags[storage.head] { storage.liveBytes -= entry.byteCount }
        storage.head += 1
        if storage.head == storage.entries.count { self.storage = nil }
        return entry
    }
}
