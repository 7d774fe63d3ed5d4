import ChorusCore
import ChorusStorage
import Testing

@testable import ChorusServer

/// The group commit against a real SQLite file: what it stores, what it counts, and that a
/// failed commit loses nothing.
@Suite struct CounterCommitterTests {
    @Test func aCommitStoresEverythingCountedAndItsStatisticsSayHowMuch() throws {
        let fixture = try RelayFixture()
        let committer = fixture.makeCommitter()
        fixture.ingest(3, .chat(text: "olá"))
        fixture.ingest(2, .like(count: 1))
        fixture.ingest(1, .purchase(sku: "SKU-1", quantity: 2), room: "other")
        committer.commitNow()

        let stored = try fixture.store.loadRoomCounters()
        #expect(stored["show"]?.total == 5)
        #expect(stored["show"]?.count(of: .chat) == 3)
        #expect(stored["show"]?.count(of: .like) == 2)
        #expect(stored["show"]?.byLanguage["pt"] == 5)
        #expect(stored["show"]?.byRegion["BR"] == 5)
        #expect(stored["other"]?.count(of: .purchase) == 1)
        // Each room's first number reserved a block of sequence numbers; the commit stored it.
        let sequences = try fixture.store.loadRoomSequences()
        #expect((sequences["show"] ?? 0) >= 5)
        #expect((sequences["other"] ?? 0) >= 1)
        #expect(committer.statistics == CounterCommitter.Statistics(commits: 1, interactions: 6, failures: 0))
    }

    @Test func nothingCountedIsNoCommit() throws {
        let fixture = try RelayFixture()
        let committer = fixture.makeCommitter()
        committer.commitNow()
        #expect(committer.statistics == CounterCommitter.Statistics())
        fixture.ingest(1, .like(count: 1))
        committer.commitNow()
        committer.commitNow()
        #expect(committer.statistics == CounterCommitter.Statistics(commits: 1, interactions: 1, failures: 0))
        #expect(try fixture.store.loadRoomCounters()["show"]?.total == 1)
    }

    @Test func aFailedCommitIsCountedAndItsCountsAreStoredByTheNextOne() throws {
        let fixture = try RelayFixture()
        let flaky = FlakyStore(fixture.store)
        let committer = fixture.makeCommitter(store: flaky)
        fixture.ingest(4, .chat(text: "olá"))
        flaky.failing = true
        committer.commitNow()
        #expect(committer.statistics == CounterCommitter.Statistics(commits: 0, interactions: 0, failures: 1))
        #expect(try fixture.store.loadRoomCounters()["show"] == nil)

        fixture.ingest(1, .like(count: 1))
        flaky.failing = false
        committer.commitNow()
        #expect(committer.statistics == CounterCommitter.Statistics(commits: 1, interactions: 5, failures: 1))
        let stored = try fixture.store.loadRoomCounters()["show"]
        #expect(stored?.count(of: .chat) == 4)
        #expect(stored?.count(of: .like) == 1)
    }

    /// Commits through to SQLite unless told to fail, as a full disk would.
    final class FlakyStore: CounterStore {
        let inner: SQLiteCounterStore
        var failing = false

        init(_ inner: SQLiteCounterStore) { self.inner = inner }

        func commit(
            _ deltas: [CounterKey: UInt64], keys: [IdempotencyWindow.Record], sequences: [String: UInt64],
            nowMs: Int64
        ) throws(StorageError) {
            if failing { throw StorageError(operation: "commit", message: "disk full (test)") }
            try inner.commit(deltas, keys: keys, sequences: sequences, nowMs: nowMs)
        }

        func loadRoomCounters() throws(StorageError) -> [String: InteractionCounters] {
            try inner.loadRoomCounters()
        }

        func loadRoomSequences() throws(StorageError) -> [String: UInt64] { try inner.loadRoomSequences() }

        func loadIdempotencyKeys(nowMs: Int64, limit: Int) throws(StorageError) -> [IdempotencyWindow.Record] {
            try inner.loadIdempotencyKeys(nowMs: nowMs, limit: limit)
        }

        func loadMinuteSeries(since minute: Int64) throws(StorageError) -> [String: [MinuteCount]] {
            try inner.loadMinuteSeries(since: minute)
        }
    }
}
