import Testing

@testable import ChorusCore

/// The hub's side of durable counting: deltas per minute cell, acks owed until the commit,
/// retries, and counts restored at start-up.
@Suite struct HubDurabilityTests {
    let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    func makeHub(durable: Bool = true) -> Hub {
        var configuration = Hub.Configuration(
            batch: .init(maxMessages: 100, maxDelayMs: 50, leadingEdge: false), staticRooms: ["lobby"],
            autoCreateRooms: true,
            roomIdleNanoseconds: 1_000_000, shardCount: 1)
        configuration.durableCounting = durable
        return Hub(configuration: configuration, now: 0)
    }

    func like(_ hub: inout Hub, room: String = "lobby", atMs: Int64, now: UInt64 = 0) -> UInt64? {
        hub.ingest(
            room: room, payload: .like(count: 1), author: author, clientID: nil, tag: nil, wallMs: atMs,
            now: now
        ).seq
    }

    @Test func deltasAreCountedPerMinuteAndTakenOnce() {
        var hub = makeHub()
        _ = like(&hub, atMs: 60_000 * 5 + 1)
        _ = like(&hub, atMs: 60_000 * 5 + 59_999)
        _ = like(&hub, atMs: 60_000 * 6)
        let batch = hub.takeCommit()
        #expect(batch.interactions == 3)
        let minute5 = CounterKey(room: "lobby", kind: .like, language: "pt", region: "BR", minute: 5)
        #expect(batch.deltas[minute5] == 2)
        #expect(batch.deltas[CounterKey(room: "lobby", kind: .like, language: "pt", region: "BR", minute: 6)] == 1)
        #expect(hub.takeCommit().isEmpty)
    }

    @Test func acksWaitForTheCommitAndAFailedCommitIsRetriedWhole() {
        var hub = makeHub()
        let seq = like(&hub, atMs: 0)
        let ack = PendingAck(shard: 0, connection: ConnectionID(9), room: "lobby", seq: seq ?? 0, clientID: "c1")
        let owed = hub.owe(ack)
        #expect(owed)
        let failed = hub.takeCommit()
        _ = like(&hub, atMs: 0)
        hub.returnCommit(failed)
        let retry = hub.takeCommit()
        #expect(retry.acks == [ack])
        #expect(retry.interactions == 2)
        #expect(retry.deltas.values.reduce(0, +) == 2)
    }

    @Test func countsNobodyWaitsOnAreTakenOnlyOnceTheQuietIntervalPassed() {
        var hub = makeHub()
        let quiet: UInt64 = 250_000_000
        #expect(hub.takeCommitIfDue(now: 0, quietNanoseconds: quiet).isEmpty)
        _ = like(&hub, atMs: 0, now: 1_000_000_000)
        _ = like(&hub, atMs: 0, now: 1_200_000_000)
        #expect(hub.takeCommitIfDue(now: 1_249_999_999, quietNanoseconds: quiet).isEmpty)
        let due = hub.takeCommitIfDue(now: 1_250_000_000, quietNanoseconds: quiet)
        #expect(due.interactions == 2)
        // The clock starts again with the next count, not at the last commit.
        _ = like(&hub, atMs: 0, now: 2_000_000_000)
        #expect(hub.takeCommitIfDue(now: 2_100_000_000, quietNanoseconds: quiet).isEmpty)
        // An owed ack makes the commit due at once: its client is waiting.
        let seq = like(&hub, atMs: 0, now: 2_100_000_000)
        _ = hub.owe(PendingAck(shard: 0, connection: ConnectionID(3), room: "lobby", seq: seq ?? 0, clientID: nil))
        let urgent = hub.takeCommitIfDue(now: 2_100_000_001, quietNanoseconds: quiet)
        #expect(urgent.interactions == 2)
        #expect(urgent.acks.count == 1)
    }

    @Test func aReturnedBatchKeepsTheAgeOfItsOldestCount() {
        var hub = makeHub()
        _ = like(&hub, atMs: 0, now: 1_000)
        let failed = hub.takeCommit()
        _ = like(&hub, atMs: 0, now: 9_000)
        hub.returnCommit(failed)
        #expect(hub.takeCommit().oldestCountAt == 1_000)
    }

    @Test func withoutDurabilityNothingIsOwedOrCollected() {
        var hub = makeHub(durable: false)
        _ = like(&hub, atMs: 0)
        let owed = hub.owe(PendingAck(shard: 0, connection: ConnectionID(1), room: "lobby", seq: 1, clientID: nil))
        #expect(!owed)
        #expect(hub.takeCommit().isEmpty)
    }

    @Test func restoredCountsJoinTheirRoomWhenItOpensAndSurviveItsClosing() throws {
        var hub = makeHub()
        var stored = InteractionCounters()
        stored.add(kind: .purchase, language: "es", region: "MX", count: 7)
        hub.restore(["show": stored, "lobby": stored])
        #expect(hub.totals.total == 14)
        #expect(hub.stats(room: "lobby")?.counters.total == 7)
        #expect(hub.stats(room: "show") == nil)
        #expect(hub.archivedStats(room: "show")?.counters.count(of: .purchase) == 7)
        _ = hub.join(room: "show", role: .viewer, shard: 0, mayOpen: false, now: 0)
        _ = like(&hub, room: "show", atMs: 0)
        #expect(hub.stats(room: "show")?.counters.total == 8)
        hub.leave(room: "show", role: .viewer, shard: 0, now: 0)
        _ = hub.tick(now: 100_000_000)  // flushes the pending like
        _ = hub.tick(now: 200_000_000)  // closes the empty room
        #expect(hub.stats(room: "show") == nil)
        #expect(hub.archivedStats(room: "show")?.counters.total == 8)
    }
}
