import ChorusCluster
import ChorusCore
import Testing

@Suite struct RedisClusterTests {
    @Test func roomsInDifferentSlotsAreNumberedAndPublishedOnTheirShard() throws {
        let cluster = try RedisClusterServers()
        let router = try RedisRouter(seeds: [cluster.seeds[1]])
        #expect(router.isCluster)
        #expect(router.masters.count == 3)
        let rooms = (0..<12).map { "show\($0)" }
        #expect(Set(rooms.map { router.owner(of: RoomLog.counterKey($0)) }).count == 3, "rooms on every master")
        // One subscriber per room, on the master of the room's slot (sharded pub/sub).
        var subscribers: [String: RedisConnection] = [:]
        for room in rooms {
            let subscriber = try RedisConnection(router.owner(of: RoomLog.channel(room)))
            try subscriber.command(["SSUBSCRIBE", RoomLog.channel(room)])
            subscribers[room] = subscriber
        }
        for round in 0..<5 {
            for room in rooms {
                let range = try router.run(key: RoomLog.counterKey(room)) { redis throws(RedisError) in
                    try RoomLog.append(
                        RoomLogTests.batch(2, node: "a"), count: 2, room: room, keepMessages: 100, floor: 0, on: redis
                    ).range()
                }
                #expect(range == UInt64(round * 2 + 1)...UInt64(round * 2 + 2))
            }
        }
        for room in rooms {
            for round in 0..<5 {
                let subscriber = try #require(subscribers[room])
                let published = try #require(RoomLog.published(try subscriber.nextPush()))
                #expect(published.room == room)
                #expect(published.first == UInt64(round * 2 + 1))
            }
            let history = try router.run(key: RoomLog.streamKey(room)) { redis throws(RedisError) in
                try RoomLog.read(room: room, after: 4, limit: 100, on: redis)
            }
            #expect(history.map(\.last) == [6, 8, 10])
        }
    }

    @Test func aStaleSlotMapIsFollowedToTheNewOwner() throws {
        let cluster = try RedisClusterServers()
        let router = try RedisRouter(seeds: cluster.seeds)
        let room = "moving"
        let slot = RedisSlot.of(room)
        let from = router.owner(of: RoomLog.counterKey(room))
        let target = try #require(router.masters.first { $0 != from })
        _ = try router.run(key: RoomLog.counterKey(room)) { redis throws(RedisError) in
            try RoomLog.append(
                RoomLogTests.batch(1, node: "a"), count: 1, room: room, keepMessages: 10, floor: 0, on: redis
            ).range()
        }
        // Move the slot (and its keys) to another master behind the router's back.
        let source = try RedisConnection(from)
        let destination = try RedisConnection(target)
        let sourceID = try #require(try source.command(["CLUSTER", "MYID"]).text)
        let destinationID = try #require(try destination.command(["CLUSTER", "MYID"]).text)
        try destination.command(["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", sourceID])
        try source.command(["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", destinationID])
        let keys = try #require(try source.command(["CLUSTER", "GETKEYSINSLOT", "\(slot)", "100"]).elements)
        for key in keys {
            try source.command([
                "MIGRATE", target.host, "\(target.port)", try #require(key.text), "0", "5000",
            ])
        }
        for server in [source, destination] {
            try server.command(["CLUSTER", "SETSLOT", "\(slot)", "NODE", destinationID])
        }
        let range = try router.run(key: RoomLog.counterKey(room)) { redis throws(RedisError) in
            try RoomLog.append(
                RoomLogTests.batch(1, node: "a"), count: 1, room: room, keepMessages: 10, floor: 0, on: redis
            ).range()
        }
        #expect(range == 2...2, "numbering went on where the keys moved")
        #expect(router.owner(of: RoomLog.counterKey(room)) == target)
    }

    @Test func aSingleRedisIsNotACluster() throws {
        let server = try RedisServer()
        let router = try RedisRouter(seeds: [server.endpoint])
        #expect(!router.isCluster)
        #expect(router.masters == [server.endpoint])
    }
}
