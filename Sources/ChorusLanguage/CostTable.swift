/// A hashed table of costs per language (the model's word table or its n-gram table).
///
/// A key (a word, or an n-gram, as folded code points) hashes to a bucket; the bucket's
/// entries whose 16-bit fingerprint matches the hash are the key's costs, one per language
/// that has it. Entries are fingerprint (bits 0-15) | language lane (16-20) | cost (24-31).
/// Buckets hold eight entries on average, sorted by fingerprint, so a lookup reads one cache
/// line or two and stops at the first larger fingerprint.
struct CostTable {
    private let starts: UnsafePointer<UInt32>
    private let entries: UnsafePointer<UInt32>
    private let bucketMask: UInt64
    /// Index of the last entry (0 for a table without entries: `entries` is then still valid).
    private let lastEntry: Int

    init(buckets: UnsafeRawBufferPointer, entries: UnsafeRawBufferPointer, name: String) throws(LanguageModelError) {
        let bucketCount = buckets.count / 4 - 1
        guard buckets.count % 4 == 0, bucketCount > 0, bucketCount & (bucketCount - 1) == 0,
            entries.count % 4 == 0, let bucketBase = buckets.baseAddress
        else { throw .malformedSection(name + "BKT") }
        let starts = bucketBase.bindMemory(to: UInt32.self, capacity: bucketCount + 1)
        // Checked once here so that lookups need no bounds checks.
        var previous: UInt32 = 0
        for index in 0...bucketCount {
            guard starts[index] >= previous else { throw .malformedSection(name + "BKT") }
            previous = starts[index]
        }
        guard starts[0] == 0, Int(previous) == entries.count / 4 else { throw .malformedSection(name + "ENT") }
        self.starts = starts
        // A table with no entries still needs a valid pointer; it is never read.
        self.entries = (entries.baseAddress ?? bucketBase).bindMemory(to: UInt32.self, capacity: entries.count / 4)
        self.bucketMask = UInt64(bucketCount - 1)
        self.lastEntry = max(entries.count / 4 - 1, 0)
    }

    /// Where the entries of `hash`'s bucket are. Reading this for several keys before
    /// visiting any lets the processor fetch their cache lines at the same time.
    @inline(__always)
    func bounds(_ hash: UInt64) -> (start: UInt32, end: UInt32) {
        let bucket = Int(truncatingIfNeeded: hash >> 32 & bucketMask)
        return (starts[bucket], starts[bucket &+ 1])
    }

    /// Calls `body(lane, cost)` for each entry with `fingerprint` (the key's `hash & 0xFFFF`)
    /// in the bucket `bounds(hash)` gave.
    @inline(__always)
    func forEachCost(
        fingerprint: UInt32, from start: UInt32, to end: UInt32, _ body: (_ lane: Int, _ cost: Int32) -> Void
    ) {
        var index = Int(truncatingIfNeeded: start)
        let end = Int(truncatingIfNeeded: end)
        while index < end {
            let entry = entries[index]
            let found = entry & 0xFFFF
            if found > fingerprint { return }
            if found == fingerprint { body(Int(truncatingIfNeeded: entry >> 16 & 31), Int32(entry >> 24)) }
            index &+= 1
        }
    }

    /// The entry where a bucket starts (the last entry for empty buckets at the end), read only
    /// to bring its cache line in. No branch: a miss here must not stall the caller's loop.
    @inline(__always)
    func firstEntry(from index: UInt32) -> UInt32 {
        entries[min(Int(truncatingIfNeeded: index), lastEntry)]
    }
}
