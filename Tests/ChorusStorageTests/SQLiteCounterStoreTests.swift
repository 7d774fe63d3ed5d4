import ChorusCore
import ChorusStorage
import Foundation
import Testing

/// The SQLite store against a real database file.
@Suite struct SQLiteCounterStoreTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "chorus-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func key(_ room: String, _ kind: InteractionKind, _ language: String, minute: Int64 = 29_000_000) -> CounterKey {
        CounterKey(room: room, kind: kind, language: language, region: "BR", minute: minute)
    }

    @Test func commitsAddUpAndSurviveReopening() throws {
        let path = directory + "/counters.sqlite3"
        do {
            let store = try SQLiteCounterStore(path: path)
            try commit(store, [key("show", .chat, "pt"): 3, key("show", .like, "pt"): 2])
            try commit(store, [key("show", .chat, "pt"): 4, key("show", .chat, "pt", minute: 29_000_001): 1])
            try commit(store, [key("other", .purchase, "es"): 5_000_000_000])
        }
        let reopened = try SQLiteCounterStore(path: path)
        let rooms = try reopened.loadRoomCounters()
        #expect(rooms["show"]?.total == 10)
        #expect(rooms["show"]?.count(of: .chat) == 8)
        #expect(rooms["show"]?.byLanguage["pt"] == 10)
        #expect(rooms["other"]?.count(of: .purchase) == 5_000_000_000)
        let series = try reopened.loadMinuteSeries(since: 0)
        #expect(series["show"]?.map(\.minute) == [29_000_000, 29_000_001])
        #expect(series["show"]?.map(\.total) == [9, 1])
        #expect(series["show"]?.first?.byKind[InteractionKind.like.index] == 2)
        #expect(try reopened.loadMinuteSeries(since: 29_000_001)["show"]?.map(\.total) == [1])
    }

    @Test func sequenceReservationsOnlyRiseAndSurviveReopening() throws {
        let path = directory + "/sequences.sqlite3"
        do {
            let store = try SQLiteCounterStore(path: path)
            try store.commit([:], keys: [], sequences: ["show": 100_000, "other": 7], nowMs: 0)
            try store.commit([key("show", .chat, "pt"): 1], keys: [], sequences: ["show": 200_000], nowMs: 0)
            // A late retry of an older reservation must not lower the stored one.
            try store.commit([:], keys: [], sequences: ["show": 150_000], nowMs: 0)
        }
        let reopened = try SQLiteCounterStore(path: path)
        #expect(try reopened.loadRoomSequences() == ["show": 200_000, "other": 7])
        #expect(try reopened.loadRoomCounters()["show"]?.total == 1)
    }

    func commit(_ store: SQLiteCounterStore, _ deltas: [CounterKey: UInt64]) throws {
        try store.commit(deltas, keys: [], nowMs: 0)
    }

    func record(_ key: String, seq: UInt64, expires: Int64) -> IdempotencyWindow.Record {
        IdempotencyWindow.Record(room: "show", key: key, seq: seq, expiresAtMs: expires)
    }

    @Test func idempotencyKeysAreStoredWithTheirCountsAndExpire() throws {
        let path = directory + "/counters.sqlite3"
        do {
            let store = try SQLiteCounterStore(path: path)
            try store.commit(
                [key("show", .like, "und"): 2],
                keys: [record("a", seq: 1, expires: 1_000), record("b", seq: 2, expires: 1_000)],
                nowMs: 0)
            try store.commit(
                [key("show", .like, "und"): 1], keys: [record("c", seq: 3, expires: 2_000)], nowMs: 500)
            // At 1,500 the first commit's keys have expired; committing forgets them.
            try store.commit(
                [key("show", .like, "und"): 1], keys: [record("d", seq: 4, expires: 2_500)], nowMs: 1_500)
        }
        let reopened = try SQLiteCounterStore(path: path)
        #expect(try reopened.loadIdempotencyKeys(nowMs: 1_500, limit: 10).map(\.key) == ["c", "d"])
        #expect(try reopened.loadIdempotencyKeys(nowMs: 2_200, limit: 10) == [record("d", seq: 4, expires: 2_500)])
        // The newest `limit`, oldest first.
        #expect(try reopened.loadIdempotencyKeys(nowMs: 0, limit: 1).map(\.key) == ["d"])
        #expect(try reopened.loadRoomCounters()["show"]?.total == 4)
    }

    /// Whole commits are forgotten, oldest first, so at most the capacity is kept.
    @Test func atMostTheCapacityOfKeysIsKeptTheNewest() throws {
        let store = try SQLiteCounterStore(path: directory + "/counters.sqlite3", idempotencyKeys: 3)
        for batch in 0..<3 {
            let keys = (0..<2).map { record("k\(batch)-\($0)", seq: UInt64(batch * 2 + $0), expires: 10_000) }
            try store.commit([:], keys: keys, nowMs: 0)
        }
        #expect(try store.loadIdempotencyKeys(nowMs: 0, limit: 100).map(\.key) == ["k2-0", "k2-1"])
    }

    /// Forgetting keys must not leave a read open: that stops every checkpoint and the WAL
    /// grows with every commit (it reached 5.6 GB in a 20-million-interaction run).
    @Test func theWALStaysBoundedWhileKeysComeAndGo() throws {
        let path = directory + "/counters.sqlite3"
        let store = try SQLiteCounterStore(path: path, idempotencyKeys: 20_000)
        for commit in 0..<1_500 {
            let keys = (0..<100).map { record("k\(commit)-\($0)", seq: UInt64($0), expires: Int64(commit) + 100) }
            try store.commit([key("show", .like, "und"): 100], keys: keys, nowMs: Int64(commit))
        }
        let walBytes = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
        // ≈ 40 MB of pages went through (42 MB of WAL with the bug); the WAL is reused after
        // each checkpoint (1,000 pages).
        let dbBytes = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(walBytes < 6_000_000, "WAL \(walBytes) bytes")
        #expect(dbBytes > 4096, "no checkpoint ever reached the database file")
        #expect(try store.loadRoomCounters()["show"]?.total == 150_000)
    }

    @Test func anUnwritablePathIsATypedError() {
        #expect(throws: StorageError.self) { try SQLiteCounterStore(path: "/proc/chorus/counters.sqlite3") }
    }
}

/// The one-row-per-commit encoding of idempotency keys.
@Suite struct IdempotencyKeyBlobTests {
    @Test func recordsRoundTripIncludingMultiByteKeys() {
        let records = [
            IdempotencyWindow.Record(room: "show-1", key: "pedido-ñ-😀", seq: 42, expiresAtMs: 1_800_000_000_000),
            IdempotencyWindow.Record(room: "s", key: "", seq: 0, expiresAtMs: -1),
        ]
        let blob = IdempotencyKeyBlob.encode(records)
        #expect(blob.withUnsafeBytes { IdempotencyKeyBlob.decode($0) } == records)
        #expect(
            blob.dropLast().withUnsafeBytes { IdempotencyKeyBlob.decode(UnsafeRawBufferPointer(rebasing: $0[...])) }
                == nil)
    }
}
