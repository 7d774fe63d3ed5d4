import CSQLite
public import ChorusCore

/// Idempotency keys, one row per commit (`IdempotencyKeyBlob`). Row ids follow commit order
/// and every key lives equally long, so expired rows, and rows past the capacity, are always
/// the oldest: forgetting them walks from the front and needs no index on expiry.
extension SQLiteCounterStore {
    func prepareIdempotencyKeys() throws(StorageError) {
        try execute(
            """
            CREATE TABLE IF NOT EXISTS idempotency_key_batches (
              id INTEGER PRIMARY KEY, expires INTEGER NOT NULL, count INTEGER NOT NULL, keys BLOB NOT NULL)
            """)
        insertKeys = try prepare("INSERT INTO idempotency_key_batches (expires, count, keys) VALUES (?1, ?2, ?3)")
        oldestKeys = try prepare("SELECT id, expires, count FROM idempotency_key_batches ORDER BY id LIMIT 1")
        deleteKeys = try prepare("DELETE FROM idempotency_key_batches WHERE id = ?1")
        let total = try prepare("SELECT coalesce(sum(count), 0) FROM idempotency_key_batches")
        defer { sqlite3_finalize(total) }
        guard sqlite3_step(total) == SQLITE_ROW else { throw failure("count idempotency keys") }
        storedKeyCount = sqlite3_column_int64(total, 0)
    }

    /// Inside the commit's transaction: adds `keys` as one row, then forgets the oldest rows
    /// while they have expired or the table holds more than the capacity. Returns the new
    /// key count, to be kept only if the transaction commits.
    func store(_ keys: [IdempotencyWindow.Record], nowMs: Int64) throws(StorageError) -> Int64 {
        guard !keys.isEmpty else { return storedKeyCount }
        let blob = IdempotencyKeyBlob.encode(keys)
        sqlite3_reset(insertKeys)
        sqlite3_bind_int64(insertKeys, 1, keys.map(\.expiresAtMs).max() ?? nowMs)
        sqlite3_bind_int64(insertKeys, 2, Int64(keys.count))
        let stepped = blob.withUnsafeBytes { bytes in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this call returns.
            sqlite3_bind_blob(
                insertKeys, 3, bytes.baseAddress, Int32(bytes.count),
                unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            return sqlite3_step(insertKeys)
        }
        guard stepped == SQLITE_DONE else { throw failure("insert idempotency keys") }
        var count = storedKeyCount + Int64(keys.count)
        while true {
            sqlite3_reset(oldestKeys)
            guard sqlite3_step(oldestKeys) == SQLITE_ROW else { break }
            let id = sqlite3_column_int64(oldestKeys, 0)
            let expires = sqlite3_column_int64(oldestKeys, 1)
            let rowCount = sqlite3_column_int64(oldestKeys, 2)
            // Reset at once: a statement left on a row keeps its read open, and an open read
            // stops every checkpoint, so the WAL would grow without bound (5.6 GB in the
            // 20-million-interaction run that found this).
            sqlite3_reset(oldestKeys)
            guard expires <= nowMs || count > idempotencyKeys else { break }
            sqlite3_reset(deleteKeys)
            sqlite3_bind_int64(deleteKeys, 1, id)
            guard sqlite3_step(deleteKeys) == SQLITE_DONE else { throw failure("forget idempotency keys") }
            count -= rowCount
        }
        return count
    }

    public func loadIdempotencyKeys(nowMs: Int64, limit: Int) throws(StorageError) -> [IdempotencyWindow.Record] {
        let query = try prepare("SELECT keys FROM idempotency_key_batches WHERE expires > ?1 ORDER BY id")
        defer { sqlite3_finalize(query) }
        sqlite3_bind_int64(query, 1, nowMs)
        var records: [IdempotencyWindow.Record] = []
        while true {
            let step = sqlite3_step(query)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw failure("load idempotency keys") }
            let bytes = UnsafeRawBufferPointer(
                start: sqlite3_column_blob(query, 0), count: Int(sqlite3_column_bytes(query, 0)))
            guard let decoded = IdempotencyKeyBlob.decode(bytes) else {
                throw StorageError(operation: "load idempotency keys", message: "a damaged key batch")
            }
            records.append(contentsOf: decoded.lazy.filter { $0.expiresAtMs > nowMs })
        }
        return Array(records.suffix(limit))
    }
}
