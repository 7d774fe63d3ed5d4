import ChorusCluster
import ChorusCore
import Testing

@Suite struct RoomCommitTests {
    @Test func countsAndKeysAreStoredWithTheBatchAndARetryIsRefusedWithTheFirstNumber() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        let first = RoomCommit(
            increments: [("29000000|chat|es|ES", 2), ("29000000|cart|und|BR", 1)],
            idempotencyKeys: [(index: 1, key: "order-1")], nowMs: 1_000, idempotencyWindowMs: 60_000)
        let numbered = try RoomLog.append(
            RoomLogTests.batch(3, node: "a"), count: 3, room: "r", keepMessages: 10, floor: 0, commit: first,
            on: redis)
        #expect(numbered == .appended(1...3))
        #expect(try RoomLog.counts(room: "r", on: redis) == ["29000000|chat|es|ES": 2, "29000000|cart|und|BR": 1])
        // The same key from another node: the whole batch is refused, nothing written, and the
        // first attempt's number comes back for the duplicate's ack.
        let retry = RoomCommit(
            increments: [("29000000|cart|und|BR", 1), ("29000000|like|und|BR", 1)],
            idempotencyKeys: [(index: 0, key: "fresh"), (index: 1, key: "order-1")], nowMs: 2_000)
        let refused = try RoomLog.append(
            RoomLogTests.batch(2, node: "b"), count: 2, room: "r", keepMessages: 10, floor: 0, commit: retry,
            on: redis)
        #expect(refused == .duplicates([1: 2]))
        #expect(try RoomLog.counts(room: "r", on: redis) == ["29000000|chat|es|ES": 2, "29000000|cart|und|BR": 1])
        #expect(try RoomLog.read(room: "r", after: 0, limit: 10, on: redis).map(\.last) == [3])
        // Without the duplicate the batch goes through, and "fresh" is now taken too.
        let rest = RoomCommit(
            increments: [("29000000|like|und|BR", 1)], idempotencyKeys: [(index: 0, key: "fresh")], nowMs: 2_000)
        #expect(
            try RoomLog.append(
                RoomLogTests.batch(1, node: "b"), count: 1, room: "r", keepMessages: 10, floor: 0, commit: rest,
                on: redis) == .appended(4...4))
        var again = rest
        again.batchID = "another batch"
        #expect(
            try RoomLog.append(
                RoomLogTests.batch(1, node: "c"), count: 1, room: "r", keepMessages: 10, floor: 0, commit: again,
                on: redis) == .duplicates([0: 4]))
    }

    @Test func keysAreForgottenAfterTheirWindow() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        let early = RoomCommit(idempotencyKeys: [(index: 0, key: "k")], nowMs: 1_000, idempotencyWindowMs: 5_000)
        #expect(
            try RoomLog.append(
                RoomLogTests.batch(1, node: "a"), count: 1, room: "r", keepMessages: 10, floor: 0, commit: early,
                on: redis) == .appended(1...1))
        var later = early
        later.nowMs = 5_999
        later.batchID = "a later batch"
        #expect(
            try RoomLog.append(
                RoomLogTests.batch(1, node: "a"), count: 1, room: "r", keepMessages: 10, floor: 0, commit: later,
                on: redis) == .duplicates([0: 1]))
        later.nowMs = 6_001
        later.batchID = "yet another batch"
        #expect(
            try RoomLog.append(
                RoomLogTests.batch(1, node: "a"), count: 1, room: "r", keepMessages: 10, floor: 0, commit: later,
                on: redis) == .appended(2...2))
    }

    @Test func aBatchSentAgainAfterALostReplyIsStoredOnce() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        let commit = RoomCommit(increments: [("1|like|und|ZZ", 2)], nowMs: 1_000, batchID: "node-a-7-1/1")
        for _ in 0..<3 {
            let outcome = try RoomLog.append(
                RoomLogTests.batch(2, node: "a"), count: 2, room: "r", keepMessages: 10, floor: 0, commit: commit,
                on: redis)
            #expect(outcome == .appended(1...2), "the same numbers every time")
        }
        #expect(try RoomLog.counts(room: "r", on: redis) == ["1|like|und|ZZ": 2])
        #expect(try RoomLog.read(room: "r", after: 0, limit: 10, on: redis).map(\.last) == [2])
    }

    @Test func manyBatchesInOneRoundTripAreNumberedInOrderEvenOnAServerThatDidNotKnowTheScript() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        let appends = (0..<60).map { index in
            RoomLog.Append(
                batch: RoomLogTests.batch(2, node: "a"), count: 2, room: "room\(index % 3)", keepMessages: 100,
                floor: 0, commit: RoomCommit(nowMs: 1_000, batchID: "a-\(index)/1"))
        }
        let results = try RoomLog.append(appends, on: redis)
        let ranges = try results.map { try $0.get().range() }
        for room in 0..<3 {
            let mine: [ClosedRange<UInt64>] = stride(from: room, to: 60, by: 3).map { ranges[$0] }
            var expected: [ClosedRange<UInt64>] = []
            for batch in 0..<UInt64(20) { expected.append((batch * 2 + 1)...(batch * 2 + 2)) }
            #expect(mine == expected, "room\(room) in order")
        }
        // Sent again (a lost reply): the same numbers, nothing stored twice.
        #expect(try RoomLog.append(appends, on: redis).map { try $0.get().range() } == ranges)
        #expect(try RoomLog.read(room: "room0", after: 0, limit: 100, on: redis).count == 20)
    }
}
