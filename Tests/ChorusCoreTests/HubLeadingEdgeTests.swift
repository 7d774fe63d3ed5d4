import Testing

@testable import ChorusCore

/// `batch.leadingEdge`: a quiet room's message leaves at once; a busy room batches.
@Suite struct HubLeadingEdgeTests {
    static let ms: UInt64 = 1_000_000
    let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    func makeHub(leadingEdge: Bool = true, maxMessages: Int = 256) -> Hub {
        var hub = Hub(
            configuration: .init(
                batch: .init(maxMessages: maxMessages, maxDelayMs: 50, leadingEdge: leadingEdge),
                staticRooms: ["lobby"], autoCreateRooms: false, roomIdleNanoseconds: 1000 * Self.ms, shardCount: 1),
            now: 0)
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        return hub
    }

    func chat(_ hub: inout Hub, at now: UInt64) -> Hub.Action? {
        hub.ingest(
            room: "lobby", payload: .chat(text: "oi"), author: author, clientID: nil,
            tag: LanguageTag(language: "pt", confidence: 0.9), wallMs: 1, now: now
        ).action
    }

    func ranges(_ actions: [Hub.Action]) -> [ClosedRange<UInt64>] {
        actions.map { action in
            guard case .deliver(let batch, _) = action else { return 0...0 }
            return batch.range
        }
    }

    @Test func aQuietRoomsMessageLeavesAtOnce() {
        var hub = makeHub()
        #expect(ranges(chat(&hub, at: 1000 * Self.ms).map { [$0] } ?? []) == [1...1])
        // 200 ms later (5 msg/s): quiet again, at once again.
        #expect(ranges(chat(&hub, at: 1200 * Self.ms).map { [$0] } ?? []) == [2...2])
        #expect(hub.tick(now: 1300 * Self.ms).isEmpty)
    }

    @Test func withoutLeadingEdgeTheMessageWaitsForTheWindow() {
        var hub = makeHub(leadingEdge: false)
        #expect(chat(&hub, at: 1000 * Self.ms) == nil)
        #expect(hub.tick(now: 1040 * Self.ms).isEmpty)
        #expect(ranges(hub.tick(now: 1048 * Self.ms)) == [1...1])
    }

    /// What follows a leading-edge flush waits only until the window that flush opened ends,
    /// and a busy room sends one batch per window from then on.
    @Test func aBusyRoomBatchesOncePerWindow() {
        var hub = makeHub()
        var flushes: [(at: UInt64, range: ClosedRange<UInt64>)] = []
        var now = 1000 * Self.ms
        // 1,000 msg/s for 300 ms, with a tick every 5 ms.
        while now < 1300 * Self.ms {
            if let action = chat(&hub, at: now) { flushes.append((now, ranges([action])[0])) }
            if now % (5 * Self.ms) == 0 {
                for range in ranges(hub.tick(now: now)) { flushes.append((now, range)) }
            }
            now += Self.ms
        }
        #expect(flushes.first?.range == 1...1)
        #expect(flushes.first?.at == 1000 * Self.ms)
        // Then one batch per 50 ms window, each ending where the next begins.
        let later = flushes.dropFirst()
        #expect(later.count == 5)
        for (previous, next) in zip(flushes, later) {
            #expect(next.at - previous.at == 50 * Self.ms)
            #expect(next.range.lowerBound == previous.range.upperBound + 1)
        }
        #expect(later.first?.range == 2...51)  // the tick at 1,050 ms runs after that millisecond's message
    }

    @Test func aMessageInsideTheWindowAfterAFlushWaitsForItsEnd() {
        var hub = makeHub()
        _ = chat(&hub, at: 1000 * Self.ms)  // leaves at once
        #expect(chat(&hub, at: 1020 * Self.ms) == nil)
        #expect(hub.nextFlushDeadline() == 1050 * Self.ms)
        #expect(hub.tick(now: 1045 * Self.ms).isEmpty)
        #expect(ranges(hub.tick(now: 1050 * Self.ms)) == [2...2])
        // The next message 60 ms after that flush finds the room quiet.
        #expect(chat(&hub, at: 1110 * Self.ms) != nil)
    }

    @Test func aFullBatchStillLeavesAtOnce() {
        var hub = makeHub(maxMessages: 3)
        _ = chat(&hub, at: 1000 * Self.ms)
        #expect(chat(&hub, at: 1001 * Self.ms) == nil)
        #expect(chat(&hub, at: 1002 * Self.ms) == nil)
        #expect(ranges(chat(&hub, at: 1003 * Self.ms).map { [$0] } ?? []) == [2...4])
    }

    /// `ingest` says when a batch it started is due, so the transport can set a timer for that
    /// moment instead of ticking every few milliseconds; messages joining it say nothing.
    @Test func aBatchThatStartsPendingReportsItsDeadlineOnce() {
        var hub = makeHub()
        func ingest(at now: UInt64) -> (action: Hub.Action?, deadline: UInt64?) {
            let result = hub.ingest(
                room: "lobby", payload: .chat(text: "oi"), author: author, clientID: nil,
                tag: LanguageTag(language: "pt", confidence: 0.9), wallMs: 1, now: now)
            return (result.action, result.newDeadline)
        }
        let first = ingest(at: 1000 * Self.ms)
        #expect(first.action != nil && first.deadline == nil)  // left at once: nothing pending
        #expect(ingest(at: 1010 * Self.ms).deadline == 1050 * Self.ms)
        #expect(ingest(at: 1020 * Self.ms).deadline == nil)
        #expect(ranges(hub.tick(now: 1050 * Self.ms)) == [2...3])

        var windowed = makeHub(leadingEdge: false)
        let result = windowed.ingest(
            room: "lobby", payload: .chat(text: "oi"), author: author, clientID: nil,
            tag: LanguageTag(language: "pt", confidence: 0.9), wallMs: 1, now: 1000 * Self.ms)
        #expect(result.newDeadline == 1050 * Self.ms)
    }
}
