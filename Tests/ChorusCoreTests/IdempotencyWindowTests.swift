import Testing

@testable import ChorusCore

/// Keys remembered for the window, at most `capacity`, restored after a restart.
@Suite struct IdempotencyWindowTests {
    func key(_ name: String, room: String = "show") -> IdempotencyWindow.Key {
        IdempotencyWindow.Key(room: room, key: name)
    }

    @Test func aKeyIsKnownInsideTheWindowAndForgottenAfterIt() {
        var window = IdempotencyWindow(windowMs: 1_000, capacity: 10)
        let record = window.remember(key("a"), seq: 7, nowMs: 5_000)
        #expect(record == IdempotencyWindow.Record(room: "show", key: "a", seq: 7, expiresAtMs: 6_000))
        #expect(window.earlierSeq(of: key("a"), nowMs: 5_999) == 7)
        #expect(window.earlierSeq(of: key("a", room: "other"), nowMs: 5_999) == nil)
        #expect(window.earlierSeq(of: key("a"), nowMs: 6_000) == nil)
        #expect(window.count == 0)
    }

    @Test func pastCapacityTheOldestGoFirstAndAreCounted() {
        var window = IdempotencyWindow(windowMs: 60_000, capacity: 3)
        for (index, name) in ["a", "b", "c", "d", "e"].enumerated() {
            window.remember(key(name), seq: UInt64(index + 1), nowMs: Int64(index))
        }
        #expect(window.count == 3)
        #expect(window.evictedEarly == 2)
        #expect(window.earlierSeq(of: key("b"), nowMs: 10) == nil)
        #expect(window.earlierSeq(of: key("c"), nowMs: 10) == 3)
        #expect(window.earlierSeq(of: key("e"), nowMs: 10) == 5)
    }

    @Test func expiryKeepsWorkingAcrossCompaction() {
        var window = IdempotencyWindow(windowMs: 100, capacity: 100_000)
        for index in 0..<5_000 {
            window.remember(key("k\(index)"), seq: UInt64(index), nowMs: Int64(index))
            #expect(window.count <= 101)
        }
        #expect(window.earlierSeq(of: key("k4999"), nowMs: 5_000) == 4_999)
        #expect(window.earlierSeq(of: key("k4899"), nowMs: 5_000) == nil)
    }

    @Test func restoreSkipsExpiredRecords() {
        var window = IdempotencyWindow(windowMs: 1_000, capacity: 10)
        window.restore(
            [
                .init(room: "show", key: "old", seq: 1, expiresAtMs: 900),
                .init(room: "show", key: "new", seq: 2, expiresAtMs: 1_500),
            ], nowMs: 1_000)
        #expect(window.earlierSeq(of: key("old"), nowMs: 1_000) == nil)
        #expect(window.earlierSeq(of: key("new"), nowMs: 1_000) == 2)
    }

    @Test func theHubRecordsKeysWithTheirCountsForTheCommit() {
        var configuration = Hub.Configuration(
            batch: .init(maxMessages: 100, maxDelayMs: 50, leadingEdge: false), staticRooms: ["lobby"],
            autoCreateRooms: false,
            roomIdleNanoseconds: 1_000_000, shardCount: 1)
        configuration.durableCounting = true
        configuration.idempotencyWindowMs = 10_000
        var hub = Hub(configuration: configuration, now: 0)
        let author = Author(user: "ana", locale: "pt-BR", region: "BR")
        #expect(hub.acceptedEarlier(room: "lobby", key: "order-1", wallMs: 1_000) == nil)
        let seq = hub.ingest(
            room: "lobby", payload: .purchase(sku: "A", quantity: 1), author: author, clientID: nil, tag: nil,
            idempotencyKey: "order-1", wallMs: 1_000, now: 0
        ).seq
        #expect(seq == 1)
        #expect(hub.acceptedEarlier(room: "lobby", key: "order-1", wallMs: 2_000) == 1)
        let commit = hub.takeCommit()
        #expect(commit.keys == [.init(room: "lobby", key: "order-1", seq: 1, expiresAtMs: 11_000)])
        #expect(commit.interactions == 1)
    }
}
