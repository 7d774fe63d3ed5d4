import Testing

@testable import ChorusCore

/// `Hub+Cluster.swift`: rooms that span nodes. The hub publishes unnumbered batches with their
/// acks and keys by place, and delivers only what Redis numbered, in order.
@Suite struct HubClusterTests {
    let author = Author(user: "ana", locale: "es-ES", region: "ES")

    func makeHub() -> Hub {
        var configuration = Hub.Configuration(
            batch: .init(maxMessages: 3, maxDelayMs: 50, leadingEdge: false), staticRooms: ["lobby"],
            autoCreateRooms: false, roomIdleNanoseconds: 1_000_000, shardCount: 2)
        configuration.clusterMode = true
        return Hub(configuration: configuration, now: 0)
    }

    func like(_ hub: inout Hub, ack: Bool = false, key: String? = nil, cid: String? = nil) -> Hub.AcceptOutcome {
        hub.accept(
            room: "lobby", payload: .like(count: 1), author: author, clientID: cid, tag: nil, acknowledge: ack,
            idempotencyKey: key, shard: 1, connection: ConnectionID(7), wallMs: 120_000, now: 0)
    }

    @Test func aFullBatchLeavesUnnumberedWithItsAcksAndKeysByPlace() throws {
        var hub = makeHub()
        let synced = hub.sync(room: "lobby", through: 41, history: [], mayOpen: false, now: 0)
        #expect(synced)
        _ = like(&hub)
        let second = like(&hub, ack: true, key: "k", cid: "c2")
        #expect(second.action == nil && !second.acknowledgeNow && !second.isDuplicate)
        let third = like(&hub, ack: true, cid: "c3")
        guard case .publish(let outgoing) = try #require(third.action) else {
            Issue.record("a cluster room's full batch is published, not delivered")
            return
        }
        #expect(outgoing.room == "lobby" && outgoing.messages.count == 3 && outgoing.floor == 41)
        #expect(outgoing.acks.map(\.index) == [1, 2])
        #expect(outgoing.acks.map(\.ack.clientID) == ["c2", "c3"])
        #expect(outgoing.keys.map(\.index) == [1] && outgoing.keys.map(\.key) == ["k"])
        #expect(outgoing.increments.map(\.field) == ["2|like|es|ES"] && outgoing.increments.map(\.delta) == [3])
        // Nothing is numbered, counted for the room or kept for resume until Redis numbers it.
        #expect(hub.stats(room: "lobby")?.seq == 41)
        #expect(hub.stats(room: "lobby")?.counters.total == 0)
        guard case .resume(let plan) = hub.resume(room: "lobby", after: 41) else {
            Issue.record("a resume at the room's number plans nothing")
            return
        }
        #expect(plan.gap == nil && plan.batches.isEmpty)
    }

    @Test func whatRedisNumberedIsDeliveredCountedAndKeptForResume() throws {
        var hub = makeHub()
        _ = hub.join(room: "lobby", role: .viewer, shard: 1, mayOpen: false, now: 0)
        _ = hub.sync(room: "lobby", through: 10, history: [], mayOpen: false, now: 0)
        let message = RoomMessage(
            seq: 11, payload: .chat(text: "hola"), author: author, clientID: nil, language: "es", confidence: 0.9,
            receivedAtMs: 120_000)
        guard
            case .deliver(let batch, let shards) = hub.deliverFromCluster(
                room: "lobby", range: 11...11, messages: [message], now: 0)
        else {
            Issue.record("a numbered batch is delivered")
            return
        }
        #expect(batch.range == 11...11 && shards == [1])
        #expect(String(decoding: batch.frame, as: UTF8.self).contains(#""from":11,"to":11"#))
        #expect(hub.stats(room: "lobby")?.seq == 11)
        #expect(hub.stats(room: "lobby")?.counters.total == 1)
        let again = hub.deliverFromCluster(room: "lobby", range: 11...11, messages: [message], now: 0)
        #expect(again == nil, "delivered once")
        let joined = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        #expect(joined == .joined(seq: 11))
        guard case .deliver(let gap, _) = hub.gapFromCluster(room: "lobby", range: 12...20) else {
            Issue.record("a gap is delivered")
            return
        }
        #expect(gap.isGap && String(decoding: gap.frame, as: UTF8.self).contains(#""type":"gap""#))
        let afterGap = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        #expect(afterGap == .joined(seq: 20))
    }

    @Test func syncAdoptsTheRoomsNumberAndHistoryForWelcomesAndResume() {
        var hub = makeHub()
        #expect(!hub.isSynced(room: "lobby"))
        let history = [
            (
                range: UInt64(4)...5,
                messages: [UInt64(4), 5].map { seq in
                    RoomMessage(
                        seq: seq, payload: .like(count: 1), author: author, clientID: nil, language: "und",
                        confidence: nil, receivedAtMs: 1)
                }
            )
        ]
        let synced = hub.sync(room: "lobby", through: 5, history: history, mayOpen: false, now: 0)
        #expect(synced)
        #expect(hub.isSynced(room: "lobby"))
        let joined = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        #expect(joined == .joined(seq: 5))
        guard case .resume(let plan) = hub.resume(room: "lobby", after: 3) else {
            Issue.record("history adopted at sync serves a resume")
            return
        }
        #expect(plan.gap == nil && plan.batches.map(\.range) == [4...5])
        // A room that does not exist and may not be opened is not synced.
        let unknown = hub.sync(room: "nope", through: 1, history: [], mayOpen: false, now: 0)
        #expect(!unknown)
    }

    @Test func aClusterRoomClosingHereIsUnfollowed() {
        var hub = makeHub()
        let synced = hub.sync(room: "popup", through: 3, history: [], mayOpen: true, now: 0)
        #expect(synced)
        _ = hub.join(room: "popup", role: .viewer, shard: 0, mayOpen: true, now: 0)
        hub.leave(room: "popup", role: .viewer, shard: 0, now: 0)
        let actions = hub.tick(now: 2_000_000)  // past roomIdleNanoseconds (1 ms)
        let unfollowed = actions.compactMap { action -> String? in
            if case .unfollow(let room) = action { return room }
            return nil
        }
        #expect(unfollowed == ["popup"])
        #expect(!hub.roomExists("popup") && !hub.isSynced(room: "popup"))
    }
}
