import CSQLite
public import ChorusCore

/// Each room's sequence reservation (`Hub+Sequences.swift`): one row per room that ever had a
/// message, only ever raised.
extension SQLiteCounterStore {
    func prepareRoomSequences() throws(StorageError) {
        try execute(
            "CREATE TABLE IF NOT EXISTS room_sequences (room TEXT PRIMARY KEY, reserved INTEGER NOT NULL) WITHOUT ROWID"
        )
        raiseSequence = try prepare(
            """
            INSERT INTO room_sequences (room, reserved) VALUES (?1, ?2)
            ON CONFLICT (room) DO UPDATE SET reserved = max(reserved, excluded.reserved)
            """)
    }

    /// Inside the commit's transaction.
    func store(_ sequences: [String: UInt64]) throws(StorageError) {
        for (room, reserved) in sequences {
            sqlite3_reset(raiseSequence)
            bind(room, at: 1, statement: raiseSequence)
            sqlite3_bind_int64(raiseSequence, 2, Int64(clamping: reserved))
            guard sqlite3_step(raiseSequence) == SQLITE_DONE else { throw failure("store sequence reservations") }
        }
    }

    public func loadRoomSequences() throws(StorageError) -> [String: UInt64] {
        let query = try prepare("SELECT room, reserved FROM room_sequences")
        defer { sqlite3_finalize(query) }
        var sequences: [String: UInt64] = [:]
        try forEachRow(of: query, "load sequence reservations") {
            sequences[text(query, 0)] = UInt64(clamping: sqlite3_column_int64(query, 1))
        }
        return sequences
    }
}
