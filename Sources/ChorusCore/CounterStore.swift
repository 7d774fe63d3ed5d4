/// Where counts are made durable (SQLite on one node; the cluster backend later). Called from
/// the committer thread only.
public protocol CounterStore: AnyObject {
    /// Adds every delta and idempotency key, and raises each room's sequence reservation to the
    /// given number, in one transaction; when it returns, they survive a crash. Keys expired
    /// by `nowMs` may be forgotten.
    func commit(
        _ deltas: [CounterKey: UInt64], keys: [IdempotencyWindow.Record], sequences: [String: UInt64],
        nowMs: Int64
    ) throws(StorageError)
    /// Every room's counts summed over time, for start-up.
    func loadRoomCounters() throws(StorageError) -> [String: InteractionCounters]
    /// Every room's sequence reservation: numbers up to it may have been given out.
    func loadRoomSequences() throws(StorageError) -> [String: UInt64]
    /// Idempotency keys still live at `nowMs`, oldest first, at most `limit` (the newest).
    func loadIdempotencyKeys(nowMs: Int64, limit: Int) throws(StorageError) -> [IdempotencyWindow.Record]
    /// Per-minute interaction counts since `minute` (Unix epoch minutes), by room, for the
    /// stats series kept in memory.
    func loadMinuteSeries(since minute: Int64) throws(StorageError) -> [String: [MinuteCount]]
}
