import Testing

@testable import ChorusCore

/// `Hub.accept`: the ack and idempotency decision for one interaction, with and without
/// durable counting.
@Suite struct HubAcceptTests {
    let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    func makeHub(durable: Bool) -> Hub {
        var configuration = Hub.Configuration(
            batch: .init(maxMessages: 100, maxDelayMs: 50, leadingEdge: false), staticRooms: ["lobby"],
            autoCreateRooms: false, roomIdleNanoseconds: 1_000_000, shardCount: 2)
        configuration.durableCounting = durable
        configuration.idempotencyWindowMs = 60_000
        configuration.idempotencyCapacity = 100
        return Hub(configuration: configuration, now: 0)
    }

    func like(
        _ hub: inout Hub, room: String = "lobby", acknowledge: Bool = true, key: String? = nil, clientID: String? = nil
    ) -> Hub.AcceptOutcome {
        hub.accept(
            room: room, payload: .like(count: 1), author: author, clientID: clientID, tag: nil,
            acknowledge: acknowledge, idempotencyKey: key, shard: 1, connection: ConnectionID(9), wallMs: 1_000,
            now: 0)
    }

    @Test func withoutDurableCountingTheCallerAcksAtOnce() {
        var hub = makeHub(durable: false)
        let first = like(&hub)
        #expect(first.seq == 1 && !first.isDuplicate && first.acknowledgeNow)
        #expect(first.newDeadline != nil && first.action == nil)
        let silent = like(&hub, acknowledge: false)
        #expect(silent.seq == 2 && !silent.acknowledgeNow)
    }

    @Test func withDurableCountingTheAckIsOwedToTheCommit() {
        var hub = makeHub(durable: true)
        let outcome = like(&hub, clientID: "c1")
        #expect(outcome.seq == 1 && !outcome.acknowledgeNow)
        #expect(
            hub.takeCommit().acks
                == [PendingAck(shard: 1, connection: ConnectionID(9), room: "lobby", seq: 1, clientID: "c1")])
    }

    @Test func aRetryGetsItsFirstSeqAndIsNotCountedAgain() {
        var hub = makeHub(durable: true)
        _ = like(&hub, key: "k1")
        _ = hub.takeCommit()
        let retry = like(&hub, key: "k1", clientID: "c2")
        #expect(retry.seq == 1 && retry.isDuplicate && !retry.acknowledgeNow && retry.newDeadline == nil)
        let commit = hub.takeCommit()
        #expect(commit.interactions == 0)
        #expect(
            commit.acks == [
                PendingAck(
                    shard: 1, connection: ConnectionID(9), room: "lobby", seq: 1, clientID: "c2", duplicate: true)
            ])
        #expect(hub.totals.total == 1)
        // Another key is another interaction.
        #expect(like(&hub, key: "k2").seq == 2)
    }

    @Test func aRetryWithoutDurableCountingIsAckedAtOnce() {
        var hub = makeHub(durable: false)
        _ = like(&hub, key: "k1")
        let retry = like(&hub, key: "k1")
        #expect(retry.seq == 1 && retry.isDuplicate && retry.acknowledgeNow)
    }

    @Test func anInteractionForAGoneRoomHasNoSeqAndNoAck() {
        var hub = makeHub(durable: true)
        let outcome = like(&hub, room: "gone")
        #expect(outcome.seq == nil && !outcome.acknowledgeNow && outcome.action == nil)
        #expect(hub.takeCommit().acks.isEmpty)
    }
}
