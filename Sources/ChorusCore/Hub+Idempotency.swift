extension Hub {
    /// The seq of an interaction already accepted in this room with this idempotency key
    /// inside the window, if any: the caller answers the retry with it instead of ingesting.
    public mutating func acceptedEarlier(room: String, key: String, wallMs: Int64) -> UInt64? {
        idempotency.earlierSeq(of: IdempotencyWindow.Key(room: room, key: key), nowMs: wallMs)
    }

    /// Idempotency keys remembered now (for metrics), and how many left before their time.
    public var idempotencyKeyCount: Int { idempotency.count }
    public var idempotencyKeysEvictedEarly: UInt64 { idempotency.evictedEarly }

    /// Start-up: keys committed by earlier runs, oldest first.
    public mutating func restoreIdempotencyKeys(_ records: [IdempotencyWindow.Record], wallMs: Int64) {
        idempotency.restore(records, nowMs: wallMs)
    }

    mutating func remember(_ key: String, room: String, seq: UInt64, wallMs: Int64) {
        let record = idempotency.remember(
            IdempotencyWindow.Key(room: room, key: key), seq: seq, nowMs: wallMs)
        if configuration.durableCounting { pendingCommit.keys.append(record) }
    }
}
