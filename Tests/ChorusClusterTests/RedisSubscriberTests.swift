import ChorusCluster
import ChorusCore
import ChorusSync
import Foundation
import Testing

@Suite struct RedisSubscriberTests {
    /// What the handler saw, for the test to wait on.
    final class Heard: Sendable {
        let batches = Locked<[(room: String, first: UInt64)]>([])
        let connections = Locked(0)
        let disconnections = Locked(0)

        var handler: RedisSubscriber.Handler {
            RedisSubscriber.Handler(
                batch: { room, first, bytes in
                    if (try? ClusterBatchCodec.decode(bytes, first: first)) != nil {
                        self.batches.withLock { $0.append((room, first)) }
                    }
                },
                connected: { self.connections.withLock { $0 += 1 } },
                disconnected: { _ in self.disconnections.withLock { $0 += 1 } })
        }

        func firsts(_ room: String) -> [UInt64] {
            batches.withLock { $0.filter { $0.room == room }.map(\.first) }
        }
    }

    static func waitFor(_ what: String, seconds: Double = 10, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw RedisServerError(reason: "timed out waiting for \(what)") }
            usleep(10_000)
        }
    }

    static func append(_ room: String, on redis: RedisConnection) throws -> UInt64 {
        try RoomLog.append(
            RoomLogTests.batch(1, node: "b"), count: 1, room: room, keepMessages: 100, floor: 0, on: redis
        ).range().lowerBound
    }

    @Test func hearsTheRoomsItSubscribedToAndStopsHearingOnesItLeft() throws {
        let server = try RedisServer()
        let heard = Heard()
        let subscriber = RedisSubscriber(endpoint: server.endpoint, handler: heard.handler)
        subscriber.start()
        defer { subscriber.stop() }
        subscriber.subscribe(room: "a")
        subscriber.subscribe(room: "b")
        try Self.waitFor("two subscriptions") {
            (try? server.connect().command(["PUBSUB", "SHARDNUMSUB", RoomLog.channel("a"), RoomLog.channel("b")]))
                == .array([
                    .string(Array(RoomLog.channel("a").utf8)), .integer(1), .string(Array(RoomLog.channel("b").utf8)),
                    .integer(1),
                ])
        }
        let redis = try server.connect()
        for _ in 0..<3 {
            _ = try Self.append("a", on: redis)
            _ = try Self.append("b", on: redis)
            _ = try Self.append("c", on: redis)  // not subscribed
        }
        try Self.waitFor("six batches") { heard.batches.withLock { $0.count } == 6 }
        #expect(heard.firsts("a") == [1, 2, 3])
        #expect(heard.firsts("b") == [1, 2, 3])
        #expect(heard.firsts("c").isEmpty)
        subscriber.unsubscribe(room: "a")
        try Self.waitFor("unsubscribed") {
            (try? server.connect().command(["PUBSUB", "SHARDNUMSUB", RoomLog.channel("a")]))?.elements?.last
                == .integer(0)
        }
        _ = try Self.append("a", on: redis)
        _ = try Self.append("b", on: redis)
        try Self.waitFor("b's fourth") { heard.firsts("b").count == 4 }
        #expect(heard.firsts("a") == [1, 2, 3])
    }

    @Test func aRestartedRedisIsSubscribedToAgainAndTheHandlerToldToCatchUp() throws {
        let server = try RedisServer()
        let heard = Heard()
        let subscriber = RedisSubscriber(endpoint: server.endpoint, handler: heard.handler)
        subscriber.subscribe(room: "show")
        subscriber.start()
        defer { subscriber.stop() }
        try Self.waitFor("connected") { heard.connections.withLock { $0 } == 1 }
        try Self.waitFor("subscribed") {
            (try? server.connect().command(["PUBSUB", "SHARDNUMSUB", RoomLog.channel("show")]))?.elements?.last
                == .integer(1)
        }
        _ = try Self.append("show", on: try server.connect())
        try Self.waitFor("the first batch") { heard.firsts("show") == [1] }
        try server.restart(downSeconds: 0.3)
        try Self.waitFor("reconnected") { heard.connections.withLock { $0 } == 2 }
        #expect(heard.disconnections.withLock { $0 } >= 1)
        // Connected is said before Redis has taken the new subscription: wait for it.
        try Self.waitFor("subscribed again") {
            (try? server.connect().command(["PUBSUB", "SHARDNUMSUB", RoomLog.channel("show")]))?.elements?.last
                == .integer(1)
        }
        let redis = try server.connect()
        // Redis lost its data (no persistence here): the node's floor keeps numbers going up.
        let first = try RoomLog.append(
            RoomLogTests.batch(1, node: "b"), count: 1, room: "show", keepMessages: 100, floor: 1, on: redis
        ).range().lowerBound
        #expect(first == 2)
        try Self.waitFor("the batch after the restart") { heard.firsts("show") == [1, 2] }
    }
}
