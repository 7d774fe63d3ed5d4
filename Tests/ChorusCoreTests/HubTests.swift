import Testing

@testable import ChorusCore

@Suite struct HubTests {
    static let ms: UInt64 = 1_000_000
    let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    func makeHub(
        maxMessages: Int = 3, maxDelayMs: Int = 50, shards: Int = 2, autoCreate: Bool = false, leadingEdge: Bool = false
    ) -> Hub {
        Hub(
            configuration: .init(
                batch: .init(maxMessages: maxMessages, maxDelayMs: maxDelayMs, leadingEdge: leadingEdge),
                staticRooms: ["lobby"],
                autoCreateRooms: autoCreate, roomIdleNanoseconds: 1000 * Self.ms, shardCount: shards),
            now: 0)
    }

    func chat(_ hub: inout Hub, _ text: String, at now: UInt64, room: String = "lobby") -> (UInt64?, Hub.Action?) {
        let result = hub.ingest(
            room: room, payload: .chat(text: text), author: author, clientID: nil,
            tag: LanguageTag(language: "pt", confidence: 0.9), wallMs: 1, now: now)
        return (result.seq, result.action)
    }

    @Test func sequenceNumbersAreConsecutiveFromOne() {
        var hub = makeHub(maxMessages: 100)
        let seqs = (0..<5).map { chat(&hub, "oi \($0)", at: 0).0 }
        #expect(seqs == [1, 2, 3, 4, 5])
    }

    /// Batches live on in the history, so none may keep a full batch's worth of spare room,
    /// whether the room is steady, speeds up or slows down.
    @Test func flushedBatchesHoldLittleSpareCapacity() {
        var hub = makeHub(maxMessages: 256, maxDelayMs: 50)
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        var now: UInt64 = 0
        var batches: [RoomBatch] = []
        for size in [40, 40, 40, 200, 3, 3, 120, 1, 256, 256, 10] {
            var actions = (0..<size).compactMap { chat(&hub, "m\($0)", at: now).1 }
            now += 60 * Self.ms
            actions += hub.tick(now: now) + hub.flushAll(now: now)
            for case .deliver(let batch, _) in actions { batches.append(batch) }
        }
        #expect(batches.map(\.messages.count).filter { $0 > 0 } == [40, 40, 40, 200, 3, 3, 120, 1, 256, 256, 10])
        for batch in batches {
            let count = batch.messages.count
            #expect(batch.messages.capacity <= count + count / 4 + 4, "\(count) messages in \(batch.messages.capacity)")
        }
    }

    /// A room at a steady rate hands its pending buffer to each batch: copying it would retain
    /// and release every message's strings once more per batch.
    @Test func aSteadyRoomsBatchesAreHandedOverNotCopied() {
        var hub = makeHub(maxMessages: 256, maxDelayMs: 50)
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        var now: UInt64 = 0
        var sizes: [Int] = []
        for size in [40, 38, 41, 40, 39, 40, 40, 42] {
            var actions = (0..<size).compactMap { chat(&hub, "m\($0)", at: now).1 }
            now += 60 * Self.ms
            actions += hub.tick(now: now)
            for case .deliver(let batch, _) in actions { sizes.append(batch.messages.count) }
        }
        #expect(sizes == [40, 38, 41, 40, 39, 40, 40, 42])
        // The first window starts small and grows; later ones are sized from the batch before,
        // and a window a little larger than that grows once more.
        #expect(hub.batchesCopied <= 3, "\(hub.batchesCopied) of 8 batches copied")
    }

    @Test func flushesWhenTheBatchIsFull() throws {
        var hub = makeHub(maxMessages: 3)
        _ = hub.join(room: "lobby", role: .viewer, shard: 1, mayOpen: false, now: 0)
        #expect(chat(&hub, "a", at: 0).1 == nil)
        #expect(chat(&hub, "b", at: 1).1 == nil)
        let (batch, shards) = try #require(chat(&hub, "c", at: 2).1?.delivery)
        #expect(batch.range == 1...3)
        #expect(batch.messages.map(\.seq) == [1, 2, 3])
        #expect(shards == [1])
        let decoded = try JSONParser.parse(batch.frame)
        #expect(decoded["from"]?.integerValue == 1)
        #expect(decoded["to"]?.integerValue == 3)
    }

    @Test func flushesOnTheTickNearestTheEndOfTheOldestMessagesWindow() throws {
        var hub = makeHub(maxMessages: 64, maxDelayMs: 50)  // ticks every 5 ms
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        _ = chat(&hub, "a", at: 10 * Self.ms)
        _ = chat(&hub, "b", at: 40 * Self.ms)
        #expect(hub.nextFlushDeadline() == 60 * Self.ms)
        // A tick at 57 ms is 3 ms early and the next (62 ms) would be 2 ms late: wait for it.
        #expect(hub.tick(now: 57 * Self.ms).isEmpty)
        let actions = hub.tick(now: 58 * Self.ms)
        #expect(actions.count == 1)
        #expect(try #require(actions.first?.delivery).batch.range == 1...2)
        #expect(hub.tick(now: 200 * Self.ms).isEmpty)
        #expect(hub.nextFlushDeadline() == nil)
    }

    @Test func aLongWindowIsKeptToWithinHalfATick() {
        var hub = makeHub(maxMessages: 64, maxDelayMs: 400)  // ticks every 10 ms
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        _ = chat(&hub, "a", at: 3 * Self.ms)
        #expect(hub.tick(now: 397 * Self.ms).isEmpty)
        #expect(hub.tick(now: 398 * Self.ms).count == 1)
        _ = chat(&hub, "b", at: 500 * Self.ms)
        // Ticks 10 ms apart around the deadline (900 ms): the flush is the one 3 ms after it,
        // not the one 7 ms before.
        var flushedAt: UInt64?
        for tickMs: UInt64 in [893, 903, 913] where flushedAt == nil {
            let now = tickMs * Self.ms
            if !hub.tick(now: now).isEmpty { flushedAt = now }
        }
        #expect(flushedAt == 903 * Self.ms)
    }

    @Test func welcomeSequenceIsTheLastBroadcastSoTheNextBatchFollowsIt() throws {
        var hub = makeHub(maxMessages: 2)
        _ = chat(&hub, "a", at: 0)
        _ = chat(&hub, "b", at: 0)  // flushed: 1...2
        _ = chat(&hub, "c", at: 0)  // pending: 3
        #expect(hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0) == .joined(seq: 2))
        let actions = hub.flushAll()
        let (batch, shards) = try #require(actions.first?.delivery, "expected a delivery")
        #expect(batch.range == 3...3)
        #expect(shards == [0])
    }

    @Test func unknownRoomsNeedAnOpenerOrAutoCreate() {
        var hub = makeHub()
        #expect(hub.join(room: "show", role: .viewer, shard: 0, mayOpen: false, now: 0) == .unknownRoom)
        #expect(hub.join(room: "show", role: .console, shard: 0, mayOpen: true, now: 0) == .joined(seq: 0))
        #expect(hub.join(room: "show", role: .viewer, shard: 1, mayOpen: false, now: 0) == .joined(seq: 0))
        var open = makeHub(autoCreate: true)
        #expect(open.join(room: "any", role: .viewer, shard: 0, mayOpen: false, now: 0) == .joined(seq: 0))
    }

    @Test func emptyDynamicRoomsCloseAfterTheirIdleTime() {
        var hub = makeHub()
        _ = hub.join(room: "show", role: .console, shard: 0, mayOpen: true, now: 0)
        hub.leave(room: "show", role: .console, shard: 0, now: 10 * Self.ms)
        _ = hub.tick(now: 500 * Self.ms)
        #expect(hub.roomExists("show"))
        _ = hub.tick(now: 1010 * Self.ms)
        #expect(!hub.roomExists("show"))
        #expect(hub.roomExists("lobby"))
    }

    @Test func countsByTypeLanguageAndRegion() {
        var hub = makeHub(maxMessages: 100)
        _ = chat(&hub, "oi", at: 0)
        _ = hub.ingest(
            room: "lobby", payload: .purchase(sku: "A", quantity: 1),
            author: Author(user: "b", locale: "es-MX", region: "MX"), clientID: "p1", tag: nil, wallMs: 1, now: 0)
        let stats = hub.stats(room: "lobby")
        #expect(stats?.counters.total == 2)
        #expect(stats?.counters.count(of: .purchase) == 1)
        #expect(stats?.counters.byLanguage == ["pt": 1, "es": 1])
        #expect(stats?.counters.byRegion == ["BR": 1, "MX": 1])
        #expect(hub.totals == stats?.counters)
    }
}
