import CSQLite
public import ChorusCore

/// Interaction counts in an embedded SQLite database (WAL), one row per room, type, language,
/// region and minute, incremented by group commits.
///
/// `synchronous=NORMAL` in WAL mode: a commit is in the OS once `commit` returns, so it
/// survives the daemon being killed (`kill -9`); surviving power loss would need `FULL`
/// (`storage.syncEveryCommit`). Used by the committer thread only.
public final class SQLiteCounterStore: CounterStore {
    public let path: String
    private var database: OpaquePointer?
    private var upsert: OpaquePointer?

    public init(path: String, syncEveryCommit: Bool = false) throws(StorageError) {
        self.path = path
        var handle: OpaquePointer?
        let opened = sqlite3_open_v2(
            path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        database = handle
        guard opened == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            database = nil
            throw StorageError(operation: "open \(path)", message: message)
        }
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=" + (syncEveryCommit ? "FULL" : "NORMAL"))
        try execute(
            """
            CREATE TABLE IF NOT EXISTS interactions (
              room TEXT NOT NULL, kind TEXT NOT NULL, lang TEXT NOT NULL, region TEXT NOT NULL,
              minute INTEGER NOT NULL, count INTEGER NOT NULL,
              PRIMARY KEY (room, kind, lang, region, minute)) WITHOUT ROWID
            """)
        upsert = try prepare(
            """
            INSERT INTO interactions (room, kind, lang, region, minute, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (room, kind, lang, region, minute) DO UPDATE SET count = count + excluded.count
            """)
    }

    deinit {
        sqlite3_finalize(upsert)
        sqlite3_close(database)
    }

    public func commit(_ deltas: [CounterKey: UInt64]) throws(StorageError) {
        guard !deltas.isEmpty else { return }
        try execute("BEGIN IMMEDIATE")
        do throws(StorageError) {
            for (key, count) in deltas {
                sqlite3_reset(upsert)
                bind(key.room, at: 1)
                bind(key.kind.rawValue, at: 2)
                bind(key.language, at: 3)
                bind(key.region, at: 4)
                sqlite3_bind_int64(upsert, 5, key.minute)
                sqlite3_bind_int64(upsert, 6, Int64(clamping: count))
                guard sqlite3_step(upsert) == SQLITE_DONE else { throw failure("insert counts") }
            }
            try execute("COMMIT")
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    public func loadRoomCounters() throws(StorageError) -> [String: InteractionCounters] {
        let query = try prepare(
            "SELECT room, kind, lang, region, SUM(count) FROM interactions GROUP BY room, kind, lang, region")
        defer { sqlite3_finalize(query) }
        var rooms: [String: InteractionCounters] = [:]
        while true {
            let step = sqlite3_step(query)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw failure("load counts") }
            let room = text(query, 0)
            guard let kind = InteractionKind(rawValue: text(query, 1)) else { continue }
            rooms[room, default: InteractionCounters()].add(
                kind: kind, language: text(query, 2), region: text(query, 3),
                count: UInt64(max(0, sqlite3_column_int64(query, 4))))
        }
        return rooms
    }

    /// One room's counts per minute, oldest first, for the stats API.
    public func minuteSeries(room: String, since minute: Int64) throws(StorageError) -> [(minute: Int64, count: UInt64)]
    {
        let query = try prepare(
            "SELECT minute, SUM(count) FROM interactions WHERE room = ?1 AND minute >= ?2 GROUP BY minute ORDER BY minute"
        )
        defer { sqlite3_finalize(query) }
        bind(room, at: 1, statement: query)
        sqlite3_bind_int64(query, 2, minute)
        var series: [(Int64, UInt64)] = []
        while sqlite3_step(query) == SQLITE_ROW {
            series.append((sqlite3_column_int64(query, 0), UInt64(max(0, sqlite3_column_int64(query, 1)))))
        }
        return series
    }

    private func execute(_ sql: String) throws(StorageError) {
        guard sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    private func prepare(_ sql: String) throws(StorageError) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else { throw failure("prepare") }
        return statement
    }

    private func bind(_ value: String, at index: Int32, statement: OpaquePointer? = nil) {
        // SQLITE_TRANSIENT: SQLite copies the bytes before this call returns.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(statement ?? upsert, index, value, -1, transient)
    }

    private func text(_ statement: OpaquePointer?, _ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: bytes)
    }

    private func failure(_ operation: String) -> StorageError {
        StorageError(operation: operation, message: database.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }
}
