import Testing

@testable import ChorusCore

@Suite struct SlowModeTests {
    func makeHub() -> Hub {
        Hub(
            configuration: .init(
                batch: .init(maxMessages: 10, maxDelayMs: 50, leadingEdge: false), staticRooms: ["lobby"],
                autoCreateRooms: false, roomIdleNanoseconds: 1_000_000_000, shardCount: 3),
            now: 0)
    }

    @Test func aConsoleSetsAndClearsSlowModeForAnExistingRoom() {
        var hub = makeHub()
        _ = hub.join(room: "lobby", role: .viewer, shard: 2, mayOpen: false, now: 0)
        #expect(hub.slowModeSeconds(room: "lobby") == 0)
        #expect(hub.setSlowMode(room: "lobby", seconds: 10) == .changed(shards: [2]))
        #expect(hub.slowModeSeconds(room: "lobby") == 10)
        #expect(hub.slowModeRoomCount == 1)
        #expect(hub.setSlowMode(room: "lobby", seconds: 5) == .changed(shards: [2]))
        #expect(hub.slowModeRoomCount == 1)
        #expect(hub.setSlowMode(room: "lobby", seconds: 0) == .changed(shards: [2]))
        #expect(hub.slowModeRoomCount == 0)
        #expect(hub.setSlowMode(room: "nowhere", seconds: 10) == .unknownRoom)
        #expect(hub.slowModeSeconds(room: "nowhere") == 0)
    }

    @Test func aClosedRoomLeavesTheSlowModeCount() {
        var hub = makeHub()
        _ = hub.join(room: "show", role: .console, shard: 0, mayOpen: true, now: 0)
        #expect(hub.setSlowMode(room: "show", seconds: 30) == .changed(shards: [0]))
        hub.leave(room: "show", role: .console, shard: 0, now: 0)
        _ = hub.tick(now: 2_000_000_000)
        #expect(!hub.roomExists("show"))
        #expect(hub.slowModeRoomCount == 0)
    }

    @Test func decodesTheConsoleFrame() throws {
        let decoder = ClientFrameDecoder(maxChatCharacters: 500)
        #expect(
            try decoder.decode(Array(#"{"type":"slowmode","room":"show-1","seconds":10}"#.utf8), role: .console)
                == .slowMode(room: "show-1", seconds: 10))
        #expect(
            try decoder.decode(Array(#"{"type":"slowmode","room":"show-1","seconds":0}"#.utf8), role: .console)
                == .slowMode(room: "show-1", seconds: 0))
        for bad in [
            #"{"type":"slowmode","room":"show-1"}"#, #"{"type":"slowmode","room":"show-1","seconds":-1}"#,
            #"{"type":"slowmode","room":"show-1","seconds":3601}"#, #"{"type":"slowmode","seconds":5}"#,
            #"{"type":"slowmode","room":"bad room","seconds":5}"#,
        ] {
            #expect(throws: ProtocolError.self) { try decoder.decode(Array(bad.utf8), role: .console) }
        }
        // Viewers cannot send it.
        #expect(throws: ProtocolError.unknownType("slowmode")) {
            try decoder.decode(Array(#"{"type":"slowmode","room":"show-1","seconds":10}"#.utf8), role: .viewer)
        }
    }

    @Test func throttledErrorFramesCarryCodeRetryAfterAndCid() throws {
        let limited = try JSONParser.parse(
            ServerFrames.error(.throttled(.chat, .rateLimited, retryAfterMs: 1500), clientID: "m21"))
        #expect(limited["type"]?.stringValue == "error")
        #expect(limited["code"]?.stringValue == "rate_limited")
        #expect(limited["retryAfterMs"]?.integerValue == 1500)
        #expect(limited["cid"]?.stringValue == "m21")
        let slow = try JSONParser.parse(ServerFrames.error(.throttled(.chat, .slowMode, retryAfterMs: 9)))
        #expect(slow["code"]?.stringValue == "slow_mode")
        #expect(slow["cid"] == nil)
        let other = try JSONParser.parse(ServerFrames.error(.invalidJSON("x")))
        #expect(other["retryAfterMs"] == nil)
        let notice = try JSONParser.parse(ServerFrames.slowMode(room: "show-1", seconds: 10))
        #expect(notice["type"]?.stringValue == "slowmode")
        #expect(notice["room"]?.stringValue == "show-1")
        #expect(notice["seconds"]?.integerValue == 10)
    }
}
