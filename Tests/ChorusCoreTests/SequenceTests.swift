import Testing

@testable import ChorusCore

/// Sequence numbers across idle rooms and restarts (`Hub+Sequences.swift`).
@Suite struct SequenceTests {
    static let ms: UInt64 = 1_000_000
    let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    /// `block` 0: sequences are not stored (an in-memory daemon).
    func makeHub(block: UInt64 = 0, maxMessages: Int = 64) -> Hub {
        var configuration = Hub.Configuration(
            batch: .init(maxMessages: maxMessages, maxDelayMs: 50, leadingEdge: false),
            staticRooms: ["lobby"],
            autoCreateRooms: true, roomIdleNanoseconds: 1000 * Self.ms, shardCount: 1)
        configuration.durableCounting = block > 0
        configuration.sequenceBlock = block
        return Hub(configuration: configuration, now: 0)
    }

    func chat(_ hub: inout Hub, at now: UInt64, room: String = "lobby") -> UInt64? {
        hub.ingest(
            room: room, payload: .chat(text: "oi"), author: author, clientID: nil,
            tag: LanguageTag(language: "pt", confidence: 0.9), wallMs: 1, now: now
        ).seq
    }

    func flushedRanges(_ actions: [Hub.Action]) -> [ClosedRange<UInt64>] {
        actions.map { action in
            guard case .deliver(let batch, _) = action else { return 0...0 }
            return batch.range
        }
    }

    @Test func aRoomClosedWhileIdleGoesOnFromItsLastNumber() {
        var hub = makeHub()
        _ = hub.join(room: "show", role: .viewer, shard: 0, mayOpen: false, now: 0)
        for _ in 0..<3 { _ = chat(&hub, at: 0, room: "show") }
        _ = hub.tick(now: 60 * Self.ms)
        hub.leave(room: "show", role: .viewer, shard: 0, now: 100 * Self.ms)
        _ = hub.tick(now: 2000 * Self.ms)
        #expect(!hub.roomExists("show"))
        #expect(hub.archivedStats(room: "show")?.seq == 3)
        #expect(hub.join(room: "show", role: .viewer, shard: 0, mayOpen: false, now: 2001 * Self.ms) == .joined(seq: 3))
        #expect(chat(&hub, at: 2001 * Self.ms, room: "show") == 4)
    }

    @Test func aBatchWaitsUntilItsNumbersAreReservedDurably() {
        var hub = makeHub(block: 100)
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        #expect(hub.takeCommit().sequences.isEmpty)  // an empty room reserves nothing
        #expect(chat(&hub, at: 0) == 1)
        #expect(chat(&hub, at: 10 * Self.ms) == 2)
        let commit = hub.takeCommit()
        #expect(commit.sequences == ["lobby": 101])
        #expect(commit.isDue(now: 10 * Self.ms, quietNanoseconds: 1000 * Self.ms))
        #expect(hub.tick(now: 60 * Self.ms).isEmpty)  // due, but not yet stored
        hub.confirmSequences(commit.sequences)
        #expect(flushedRanges(hub.tick(now: 65 * Self.ms)) == [1...2])
        #expect(hub.sequenceHoldOverrides == 0)
    }

    @Test func messagesHeldForAReservationStillGoOutInBatchesOfAtMostMaxMessages() {
        var hub = makeHub(block: 100, maxMessages: 5)
        for number in 1...12 { #expect(chat(&hub, at: 0) == UInt64(number)) }  // none flushed yet
        hub.confirmSequences(hub.takeCommit().sequences)
        // Once stored, everything held goes out on the next tick, in batches the setting allows.
        #expect(flushedRanges(hub.tick(now: 1 * Self.ms)) == [1...5, 6...10, 11...12])
        #expect(chat(&hub, at: 61 * Self.ms) == 13)
    }

    @Test func aStoppingHubSendsWhatItHeldInBatchesOfAtMostMaxMessages() {
        var hub = makeHub(block: 100, maxMessages: 4)
        for _ in 1...9 { _ = chat(&hub, at: 0) }
        #expect(flushedRanges(hub.flushAll(now: 1 * Self.ms)) == [1...4, 5...8, 9...9])
    }

    @Test func theNextBlockIsAskedForHalfWay() {
        var hub = makeHub(block: 10)
        #expect(chat(&hub, at: 0) == 1)
        hub.confirmSequences(hub.takeCommit().sequences)  // through 11
        for _ in 2...5 { _ = chat(&hub, at: 0) }
        #expect(hub.takeCommit().sequences.isEmpty)
        #expect(chat(&hub, at: 0) == 6)  // 5 left of the block: ask for 16
        #expect(hub.takeCommit().sequences == ["lobby": 16])
    }

    @Test func aRestartedRoomStartsAfterEverythingItReserved() {
        var hub = makeHub(block: 100)
        hub.restoreSequences(["lobby": 500, "show": 250])
        #expect(hub.join(room: "lobby", role: .console, shard: 0, mayOpen: false, now: 0) == .joined(seq: 500))
        #expect(hub.join(room: "show", role: .viewer, shard: 0, mayOpen: false, now: 0) == .joined(seq: 250))
        #expect(chat(&hub, at: 0) == 501)
        #expect(chat(&hub, at: 0, room: "show") == 251)
        // Numbers past the stored reservation wait for the next one to be stored.
        let commit = hub.takeCommit()
        #expect(commit.sequences == ["lobby": 601, "show": 351])
        #expect(hub.tick(now: 60 * Self.ms).isEmpty)
        hub.confirmSequences(commit.sequences)
        let flushed = flushedRanges(hub.tick(now: 65 * Self.ms))
        #expect(flushed.sorted { $0.lowerBound < $1.lowerBound } == [251...251, 501...501])
        // A console of the previous run resuming after 120 is told the rest of that run is gone.
        guard case .resume(let plan) = hub.resume(room: "lobby", after: 120) else {
            Issue.record("expected a resume plan")
            return
        }
        #expect(plan.gap == 121...500)
        #expect(plan.batches.map(\.range) == [501...501])
    }

    @Test func aBatchGoesOutAnywayWhenTheStoreCannotKeepUp() {
        var hub = makeHub(block: 100)
        _ = chat(&hub, at: 0)
        _ = hub.takeCommit()  // never confirmed: the store is failing
        #expect(hub.tick(now: 900 * Self.ms).isEmpty)
        #expect(flushedRanges(hub.tick(now: 1000 * Self.ms)) == [1...1])
        #expect(hub.sequenceHoldOverrides == 1)
    }

    @Test func aFailedCommitKeepsTheHighestReservation() {
        var later = CommitBatch()
        later.sequences = ["lobby": 300, "show": 40]
        var earlier = CommitBatch()
        earlier.sequences = ["lobby": 200, "hall": 7]
        later.merge(earlier)
        #expect(later.sequences == ["lobby": 300, "show": 40, "hall": 7])
        #expect(!later.isEmpty)
    }
}
