import Testing

@testable import ChorusCore

@Suite struct RoomFeedTests {
    typealias Feed = RoomFeed<String>

    /// The actions in a form tests compare: "deliver a 1...3", "fetch 0...4", "gap 5...9".
    static func describe(_ actions: [Feed.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .deliver(let batch, let range): "deliver \(batch) \(range)"
            case .fetch(let after, let through): "fetch \(after)...\(through.map(String.init) ?? "end")"
            case .gap(let range): "gap \(range)"
            }
        }
    }

    @Test func inOrderBatchesPassStraightThrough() {
        var feed = Feed(after: 10)
        #expect(Self.describe(feed.receive("a", range: 11...12)) == ["deliver a 11...12"])
        #expect(Self.describe(feed.receive("b", range: 13...13)) == ["deliver b 13...13"])
        #expect(feed.delivered == 13)
        #expect(feed.receive("old", range: 12...13).isEmpty, "a batch already handed on is dropped")
    }

    @Test func aBatchAheadWaitsWhileTheMissingOnesAreFetched() {
        var feed = Feed(after: 10)
        #expect(Self.describe(feed.receive("c", range: 16...17)) == ["fetch 10...15"])
        #expect(Self.describe(feed.receive("d", range: 18...18)) == [], "one fetch at a time")
        #expect(feed.waitingCount == 2)
        let actions = feed.fetched([("a", 11...13), ("b", 14...15)], complete: true)
        #expect(
            Self.describe(actions) == [
                "deliver a 11...13", "deliver b 14...15", "deliver c 16...17", "deliver d 18...18",
            ])
        #expect(feed.delivered == 18)
        #expect(!feed.isFetching)
        #expect(feed.waitingCount == 0)
    }

    @Test func whatHistoryNoLongerHoldsIsOneExactGap() {
        var feed = Feed(after: 10)
        _ = feed.receive("z", range: 100...101)
        // History was trimmed: it starts at 90.
        let actions = feed.fetched([("y", 90...99)], complete: true)
        #expect(Self.describe(actions) == ["gap 11...89", "deliver y 90...99", "deliver z 100...101"])
        var empty = Feed(after: 10)
        _ = empty.receive("z", range: 100...101)
        #expect(Self.describe(empty.fetched([], complete: true)) == ["gap 11...99", "deliver z 100...101"])
    }

    @Test func aReadCutByItsLimitAsksForTheRest() {
        var feed = Feed(after: 0)
        _ = feed.receive("z", range: 10...10)
        let first = feed.fetched([("a", 1...3)], complete: false)
        #expect(Self.describe(first) == ["deliver a 1...3", "fetch 3...9"])
        let second = feed.fetched([("b", 4...9)], complete: true)
        #expect(Self.describe(second) == ["deliver b 4...9", "deliver z 10...10"])
    }

    @Test func afterReconnectingEverythingSinceIsReadFromHistory() {
        var feed = Feed(after: 5)
        #expect(Self.describe(feed.catchUp()) == ["fetch 5...end"])
        let actions = feed.fetched([("a", 6...8), ("b", 9...9)], complete: true)
        #expect(Self.describe(actions) == ["deliver a 6...8", "deliver b 9...9"])
        // Live batches heard meanwhile that history also returned are handed on once.
        var racing = Feed(after: 5)
        _ = racing.catchUp()
        #expect(Self.describe(racing.receive("a", range: 6...8)) == ["deliver a 6...8"])
        #expect(Self.describe(racing.fetched([("a", 6...8), ("b", 9...9)], complete: true)) == ["deliver b 9...9"])
    }
}
