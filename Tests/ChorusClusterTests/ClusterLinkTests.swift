import ChorusCluster
import ChorusCore
import ChorusSync
import Foundation
import Testing

/// Two `ClusterLink`s on one real Redis, as two nodes: what one publishes both deliver, in
/// order and numbered once; acks carry the global numbers; a retry through the other is a
/// duplicate.
@Suite struct ClusterLinkTests {
    final class Node: Sendable {
        let delivered = Locked<[(room: String, range: ClosedRange<UInt64>, texts: [String])]>([])
        let gaps = Locked<[ClosedRange<UInt64>]>([])
        let acks = Locked<[PendingAck]>([])
        let link: ClusterLink

        init(redis: RedisEndpoint, name: String) throws {
            var config = ChorusConfig()
            config.cluster.redis = ["redis://\(redis.host):\(redis.port)"]
            let delivered = self.delivered
            let gaps = self.gaps
            let acks = self.acks
            link = try ClusterLink(
                config: config, nodeName: name,
                delivery: ClusterLink.Delivery(
                    batch: { room, range, messages in
                        let texts = messages.map { message -> String in
                            if case .chat(let text) = message.payload { return text }
                            return message.payload.kind.rawValue
                        }
                        delivered.withLock { $0.append((room, range, texts)) }
                    },
                    gap: { _, range in gaps.withLock { $0.append(range) } },
                    acks: { owed in acks.withLock { $0 += owed } },
                    warning: { _, _ in }))
            link.start()
        }

        func sync(_ room: String) throws -> UInt64 {
            var through: UInt64 = 0
            try link.sync(room: room) { state in through = state.through }
            return through
        }

        func publish(_ room: String, _ texts: [String], keys: [(Int, String)] = [], floor: UInt64 = 0) {
            let messages = texts.map { text in
                RoomMessage(
                    seq: 0, payload: .chat(text: text), author: Author(user: "u", locale: "es", region: "ES"),
                    clientID: nil, language: "es", confidence: 0.9, receivedAtMs: 60_000)
            }
            let acks = texts.indices.map { index in
                (
                    index,
                    PendingAck(
                        shard: 0, connection: ConnectionID(UInt64(index + 1)), room: room, seq: 0,
                        clientID: texts[index])
                )
            }
            link.publish(
                ClusterOutgoing(room: room, messages: messages, acks: acks, keys: keys, floor: floor, flushedAt: 0))
        }

        func texts(_ room: String) -> [String] {
            delivered.withLock { $0.filter { $0.room == room }.flatMap(\.texts) }
        }
    }

    static func waitFor(_ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            guard Date() < deadline else { throw RedisServerError(reason: "timed out waiting for \(what)") }
            usleep(10_000)
        }
    }

    @Test func whatOneNodePublishesBothDeliverInOrderNumberedOnce() throws {
        let server = try RedisServer()
        let a = try Node(redis: server.endpoint, name: "a")
        let b = try Node(redis: server.endpoint, name: "b")
        defer {
            a.link.stop()
            b.link.stop()
        }
        #expect(try a.sync("show") == 0)
        #expect(try b.sync("show") == 0)
        a.publish("show", ["uno", "dos"])
        b.publish("show", ["tres"])
        a.publish("show", ["cuatro"])
        try Self.waitFor("four messages on both") { a.texts("show").count == 4 && b.texts("show").count == 4 }
        let ranges = a.delivered.withLock { $0.map(\.range) }
        #expect(ranges == b.delivered.withLock { $0.map(\.range) }, "the same batches, the same numbers")
        #expect(ranges.first?.lowerBound == 1 && ranges.last?.upperBound == 4)
        for (earlier, later) in zip(ranges, ranges.dropFirst()) { #expect(later.lowerBound == earlier.upperBound + 1) }
        #expect(a.texts("show") == b.texts("show"))
        try Self.waitFor("acks") { a.acks.withLock { $0.count } == 3 && b.acks.withLock { $0.count } == 1 }
        let seqOfText = Dictionary(
            uniqueKeysWithValues: a.delivered.withLock { $0 }.flatMap { entry in
                entry.texts.enumerated().map { ($0.element, entry.range.lowerBound + UInt64($0.offset)) }
            })
        for ack in a.acks.withLock({ $0 }) + b.acks.withLock({ $0 }) {
            #expect(ack.seq == seqOfText[ack.clientID ?? ""], "an ack carries its message's global number")
        }
    }

    @Test func aRetryThroughTheOtherNodeIsADuplicateWithTheFirstNumber() throws {
        let server = try RedisServer()
        let a = try Node(redis: server.endpoint, name: "a")
        let b = try Node(redis: server.endpoint, name: "b")
        defer {
            a.link.stop()
            b.link.stop()
        }
        _ = try a.sync("shop")
        a.publish("shop", ["order"], keys: [(0, "order-1")])
        try Self.waitFor("the first ack") { a.acks.withLock { $0.count } == 1 }
        b.publish("shop", ["order", "other"], keys: [(0, "order-1")])
        try Self.waitFor("b's acks") { b.acks.withLock { $0.count } == 2 }
        let retry = try #require(b.acks.withLock { $0.first { $0.clientID == "order" } })
        #expect(retry.duplicate && retry.seq == a.acks.withLock { $0[0].seq })
        try Self.waitFor("two messages delivered") { a.texts("shop").count == 2 }
        #expect(a.texts("shop") == ["order", "other"], "the retry is not delivered again")
    }

    @Test func aNodeThatJoinsLateStartsAtTheRoomsNumberAndCatchesWhatItMissed() throws {
        let server = try RedisServer()
        let a = try Node(redis: server.endpoint, name: "a")
        defer { a.link.stop() }
        _ = try a.sync("late")
        a.publish("late", ["1", "2", "3"])
        try Self.waitFor("three on a") { a.texts("late").count == 3 }
        let b = try Node(redis: server.endpoint, name: "b")
        defer { b.link.stop() }
        #expect(try b.sync("late") == 3)
        a.publish("late", ["4"])
        try Self.waitFor("the fourth on b") { b.texts("late") == ["4"] }
        #expect(b.delivered.withLock { $0.map(\.range) } == [4...4])
    }
}
