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
    let idempotencyKeys: Int64
    private var database: OpaquePointer?
    private var upsert: OpaquePointer?
    /// Internal, not private: `SQLiteCounterStore+IdempotencyKeys.swift` and `+RoomSequences` use them.
    var insertKeys: OpaquePointer?
    var oldestKeys: OpaquePointer?
    var deleteKeys: OpaquePointer?
    var raiseSequence: OpaquePointer?
    /// Keys in the table now (kept at most `idempotencyKeys`).
    var storedKeyCount: Int64 = 0

    /// `idempotencyKeys`: at most this many keys are kept (the newest), like the hub's window.
    public init(path: String, syncEveryCommit: Bool = false, idempotencyKeys: Int = 200_000) throws(StorageError) {
        self.path = path
        self.idempotencyKeys = Int64(idempotencyKeys)
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
        try prepareIdempotencyKeys()
        try prepareRoomSequences()
    }

    deinit {
        sqlite3_finalize(upsert)
        sqlite3_finalize(insertKeys)
        sqlite3_finalize(oldestKeys)
        sqlite3_finalize(deleteKeys)
        sqlite3_finalize(raiseSequence)
        sqlite3_close(database)
    }

    public func commit(
        _ deltas: [CounterKey: UInt64], keys: [IdempotencyWindow.Record], sequences: [String: UInt64] = [:],
        nowMs: Int64
    ) throws(StorageError) {
        guard !deltas.isEmpty || !keys.isEmpty || !sequences.isEmpty else { return }
        try execute("BEGIN IMMEDIATE")
        do throws(StorageError) {
            for (key, count) in deltas {
                sqlite3_reset(upsert)
                bind(key.room, at: 1, statement: upsert)
                bind(key.kind.rawValue, at: 2, statement: upsert)
                bind(key.language, at: 3, statement: upsert)
                bind(key.region, at: 4, statement: upsert)
                sqlite3_bind_int64(upsert, 5, key.minute)
                sqlite3_bind_int64(upsert, 6, Int64(clamping: count))
                guard sqlite3_step(upsert) == SQLITE_DONE else { throw failure("insert counts") }
            }
            let keyCount = try store(keys, nowMs: nowMs)
            try store(sequences)
            try execute("COMMIT")
            storedKeyCount = keyCount
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
        try forEachRow(of: query, "load counts") {
            let room = text(query, 0)
            guard let kind = InteractionKind(rawValue: text(query, 1)) else { return }
            rooms[room, default: InteractionCounters()].add(
                kind: kind, language: text(query, 2), region: text(query, 3),
                count: UInt64(max(0, sqlite3_column_int64(query, 4))))
        }
        return rooms
    }

    public func loadMinuteSeries(since minute: Int64) throws(StorageError) -> [String: [MinuteCount]] {
        let query = try prepare(
            """
            SELECT room, minute, kind, SUM(count) FROM interactions WHERE minute >= ?1
              GROUP BY room, minute, kind ORDER BY room, minute
            """)
        defer { sqlite3_finalize(query) }
        sqlite3_bind_int64(query, 1, minute)
        var series: [String: [MinuteCount]] = [:]
        try forEachRow(of: query, "load minute series") {
            let room = text(query, 0)
            let minute = sqlite3_column_int64(query, 1)
            guard let kind = InteractionKind(rawValue: text(query, 2)) else { return }
            let count = UInt64(max(0, sqlite3_column_int64(query, 3)))
            if series[room]?.last?.minute != minute { series[room, default: []].append(MinuteCount(minute: minute)) }
            series[room]![series[room]!.count - 1].byKind[kind.index] += count
        }
        return series
    }

    /// Steps `statement` through its rows, calling `row` on each; a step error throws `operation`.
    func forEachRow(of statement: OpaquePointer?, _ operation: String, _ row: () -> Void) throws(StorageError) {
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw failure(operation) }
            row()
        }
    }

    func execute(_ sql: String) throws(StorageError) {
        guard sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    func prepare(_ sql: String) throws(StorageError) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else { throw failure("prepare") }
        return statement
    }

    func bind(_ value: String, at index: Int32, statement: OpaquePointer?) {
        // SQLITE_TRANSIENT: SQLite copies the bytes before this call returns.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(statement, index, value, -1, transient)
    }

    func text(_ statement: OpaquePointer?, _ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: bytes)
    }

    func failure(_ operation: String) -> StorageError {
        StorageError(operation: operation, message: database.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }
}
