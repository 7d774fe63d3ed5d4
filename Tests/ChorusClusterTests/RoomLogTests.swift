import ChorusCluster
import ChorusCore
import Foundation
import Testing

@Suite struct RoomLogTests {
    static func batch(_ count: Int, node: String) -> [UInt8] {
        let messages = (0..<count).map { index in
            RoomMessage(
                seq: 0, payload: .chat(text: "\(node) \(index)"),
                author: Author(user: node, locale: "es", region: "ES"),
                clientID: nil, language: "es", confidence: 0.9, receivedAtMs: 1)
        }
        return ClusterBatchCodec.encode(node: node, sentAtMs: 1, messages: messages)
    }

    @Test func twoNodesAppendingAtOnceGetGapFreeNumbersAndTheSubscriberSeesThemInOrder() throws {
        let server = try RedisServer()
        let subscriber = try server.connect()
        try subscriber.command(["SSUBSCRIBE", RoomLog.channel("show")])
        let batchesPerNode = 300
        let ranges = Locked<[ClosedRange<UInt64>]>([])
        let failures = Locked<[String]>([])
        let endpoint = server.endpoint
        DispatchQueue.concurrentPerform(iterations: 2) { node in
            do {
                let redis = try RedisConnection(endpoint)
                for index in 0..<batchesPerNode {
                    let count = 1 + (index + node) % 5
                    let range = try RoomLog.append(
                        Self.batch(count, node: "node-\(node)"), count: count, room: "show", keepMessages: 10_000,
                        floor: 0, on: redis
                    ).range()
                    #expect(range.count == count)
                    ranges.withLock { $0.append(range) }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let sorted = ranges.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.count == 2 * batchesPerNode)
        var next: UInt64 = 1
        for range in sorted {
            #expect(range.lowerBound == next, "numbers are gap-free and given once")
            next = range.upperBound + 1
        }
        // The subscriber got every batch once, in the order of their numbers, decodable.
        var expected: UInt64 = 1
        for _ in 0..<sorted.count {
            let push = try subscriber.nextPush()
            let published = try #require(RoomLog.published(push), "\(push)")
            #expect(published.room == "show")
            #expect(published.first == expected)
            let batch = try ClusterBatchCodec.decode(published.bytes, first: published.first)
            expected = try #require(batch.messages.last).seq + 1
        }
        #expect(expected == next)
        // History holds the same batches under the ID of their last number.
        let redis = try server.connect()
        let history = try RoomLog.read(room: "show", after: 0, limit: 10_000, on: redis)
        #expect(history.map(\.last) == sorted.map(\.upperBound))
    }

    @Test func historyIsReadAfterANumberAndTrimmedToWhatItMustKeep() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        for _ in 0..<1_000 {
            _ = try RoomLog.append(
                Self.batch(1, node: "a"), count: 1, room: "r", keepMessages: 100, floor: 0, on: redis
            ).range()
        }
        let kept = try RoomLog.read(room: "r", after: 0, limit: 10_000, on: redis)
        #expect(kept.count >= 100, "at least the last 100 messages stay")
        #expect(kept.count < 1_000, "older batches are trimmed")
        #expect(kept.last?.last == 1_000)
        let tail = try RoomLog.read(room: "r", after: 990, limit: 100, on: redis)
        #expect(tail.map(\.last) == Array(991...1_000))
        #expect(try RoomLog.read(room: "r", after: 1_000, limit: 100, on: redis).isEmpty)
    }

    @Test func numbersNeverRestartBelowWhatANodeHasSeen() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        _ = try RoomLog.append(Self.batch(2, node: "a"), count: 2, room: "r", keepMessages: 10, floor: 0, on: redis)
            .range()
        // Redis lost its data (restarted without persistence): a node that saw up to 5,000 keeps numbering above it.
        try redis.command(["FLUSHALL"])
        let range = try RoomLog.append(
            Self.batch(3, node: "a"), count: 3, room: "r", keepMessages: 10, floor: 5_000, on: redis
        ).range()
        #expect(range == 5_001...5_003)
        // A node that saw less does not move the counter back.
        let next = try RoomLog.append(
            Self.batch(1, node: "b"), count: 1, room: "r", keepMessages: 10, floor: 7, on: redis
        ).range()
        #expect(next == 5_004...5_004)
    }

    @Test func theScriptIsLoadedAgainWhereRedisForgotIt() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        _ = try RoomLog.append(Self.batch(1, node: "a"), count: 1, room: "r", keepMessages: 10, floor: 0, on: redis)
            .range()
        try redis.command(["SCRIPT", "FLUSH"])
        let range = try RoomLog.append(
            Self.batch(1, node: "a"), count: 1, room: "r", keepMessages: 10, floor: 0, on: redis
        ).range()
        #expect(range == 2...2)
    }

    @Test func channelsNameTheirRoom() {
        #expect(RoomLog.room(ofChannel: RoomLog.channel("show_1-A")) == "show_1-A")
        #expect(RoomLog.room(ofChannel: "chorus:{x}:seq") == nil)
        #expect(RoomLog.published(.array([.string(Array("message".utf8))])) == nil)
    }
}

/// A value behind a lock, for the test's threads.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension RoomLog.Outcome {
    /// The numbers of an appended batch; a refusal fails the test.
    func range() throws(RedisError) -> ClosedRange<UInt64> {
        guard case .appended(let range) = self else {
            throw .unexpectedReply(RedisEndpoint(host: "test"), command: "append", reply: "not appended: \(self)")
        }
        return range
    }
}
