/// Batches a resuming console still has to receive, fed into its outbound queue only as the
/// queue drains, so a replay larger than the console's byte budget does not close it again.
///
/// Live batches that arrive while a replay is under way wait behind it, keeping the order.
/// Replayed batches share their storage with the room's history, so holding them costs
/// little; live ones are new memory, bounded by the console's budget (`liveBytes`).
struct ReplayBacklog<Frame: OutboundFrame> {
    private var entries: [OutboundQueue<Frame>.Entry] = []
    private var head = 0
    /// Bytes of live (not replayed) batches waiting here.
    private(set) var liveBytes = 0
    private var liveFlags: [Bool] = []

    var isEmpty: Bool { head == entries.count }

    mutating func append(_ entry: OutboundQueue<Frame>.Entry, live: Bool) {
        entries.append(entry)
        liveFlags.append(live)
        if live { liveBytes += entry.byteCount }
    }

    /// The next entry if it fits in `room` bytes.
    mutating func take(fitting room: Int) -> OutboundQueue<Frame>.Entry? {
        guard head < entries.count, entries[head].byteCount <= room else { return nil }
        let entry = entries[head]
        if liveFlags[head] { liveBytes -= entry.byteCount }
        head += 1
        if head == entries.count {
            entries = []
            liveFlags = []
            head = 0
        }
        return entry
    }
}
