import Testing

@testable import ChorusCore

/// History and resume: a member reconnecting with `since` gets every later sequence number
/// exactly once, from history or as an explicit gap, and then live batches.
@Suite struct ResumeTests {
    static let ms: UInt64 = 1_000_000
    let author = Author(user: "lea", locale: "fr-FR", region: "FR")

    func makeHub(batch: Int = 4, historyMessages: Int = 100, historyMs: UInt64 = 60_000) -> Hub {
        Hub(
            configuration: .init(
                batch: .init(maxMessages: batch, maxDelayMs: 50, leadingEdge: false), staticRooms: ["show"],
                autoCreateRooms: false, roomIdleNanoseconds: 1000 * Self.ms, shardCount: 1,
                historyMessages: historyMessages, historyNanoseconds: historyMs * Self.ms),
            now: 0)
    }

    /// Ingests `count` chats at `now`; returns the seqs of the flushed batches.
    @discardableResult
    func publish(_ hub: inout Hub, _ count: Int, at now: UInt64) -> [ClosedRange<UInt64>] {
        var flushed: [ClosedRange<UInt64>] = []
        for index in 0..<count {
            let (_, action, _) = hub.ingest(
                room: "show", payload: .chat(text: "salut \(index)"), author: author, clientID: nil,
                tag: LanguageTag(language: "fr", confidence: 0.99), wallMs: 1, now: now)
            if case .deliver(let batch, _) = action { flushed.append(batch.range) }
        }
        return flushed
    }

    func plan(_ hub: inout Hub, after since: UInt64) throws -> Hub.ResumePlan {
        guard case .resume(let plan) = hub.resume(room: "show", after: since) else {
            Issue.record("no resume plan after \(since)")
            throw CancellationError()
        }
        return plan
    }

    func seqs(_ plan: Hub.ResumePlan) -> [UInt64] { plan.batches.flatMap { $0.messages.map(\.seq) } }

    @Test func replaysExactlyWhatCameAfterSinceCuttingTheFirstBatch() throws {
        var hub = makeHub(batch: 4)
        publish(&hub, 12, at: 0)  // batches 1...4, 5...8, 9...12
        let plan = try plan(&hub, after: 6)
        #expect(plan.gap == nil)
        #expect(seqs(plan) == Array(7...12))
        #expect(plan.batches.map(\.range) == [7...8, 9...12])
        // The cut batch is re-encoded with its own range.
        let frame = try JSONParser.parse(plan.batches[0].frame)
        #expect(frame["from"]?.integerValue == 7)
        #expect(frame["to"]?.integerValue == 8)
    }

    @Test func resumingAtTheLastBroadcastReplaysNothing() throws {
        var hub = makeHub(batch: 4)
        publish(&hub, 8, at: 0)
        let plan = try plan(&hub, after: 8)
        #expect(plan.gap == nil && plan.batches.isEmpty)
        #expect(hub.resumeStatistics.requests == 1)
    }

    @Test func olderThanTheHistoryIsReportedAsOneExactGap() throws {
        var hub = makeHub(batch: 4, historyMessages: 8)
        publish(&hub, 20, at: 0)  // history keeps 13...20
        let plan = try plan(&hub, after: 3)
        #expect(plan.gap == 4...12)
        #expect(seqs(plan) == Array(13...20))
        #expect(hub.resumeStatistics.gaps == 1)
        #expect(hub.resumeStatistics.gapMessages == 9)
    }

    @Test func historyForgetsBatchesPastItsAge() throws {
        var hub = makeHub(batch: 4, historyMs: 1000)
        publish(&hub, 4, at: 0)
        publish(&hub, 4, at: 900 * Self.ms)
        _ = hub.tick(now: 1500 * Self.ms)  // the first batch is now 1.5 s old
        let plan = try plan(&hub, after: 0)
        #expect(plan.gap == 1...4)
        #expect(seqs(plan) == Array(5...8))
        _ = hub.tick(now: 3000 * Self.ms)
        let later = try self.plan(&hub, after: 0)
        #expect(later.gap == 1...8)
        #expect(later.batches.isEmpty)
    }

    @Test func withoutHistoryEverythingMissedIsAGap() throws {
        var hub = makeHub(batch: 4, historyMessages: 0)
        publish(&hub, 8, at: 0)
        let plan = try plan(&hub, after: 2)
        #expect(plan.gap == 3...8)
        #expect(plan.batches.isEmpty)
    }

    @Test func sinceAheadOfTheRoomIsRefusedWithTheLiveSequence() {
        var hub = makeHub(batch: 4)
        publish(&hub, 6, at: 0)  // 1...4 broadcast, 5 and 6 pending
        guard case .ahead(let last) = hub.resume(room: "show", after: 5) else {
            Issue.record("expected .ahead")
            return
        }
        #expect(last == 4)
        guard case .unknownRoom = hub.resume(room: "nowhere", after: 0) else {
            Issue.record("expected .unknownRoom")
            return
        }
    }

    @Test func replayThenLiveCoversEverySequenceOnce() throws {
        var hub = makeHub(batch: 3)
        publish(&hub, 10, at: 0)  // 1...9 broadcast, 10 pending
        guard case .joined(let live) = hub.join(room: "show", role: .console, shard: 0, mayOpen: true, now: 0) else {
            Issue.record("join failed")
            return
        }
        let plan = try plan(&hub, after: 2)
        let later = publish(&hub, 5, at: 0)  // 10...12, 13...15
        var seen = seqs(plan)
        for range in later where range.upperBound > live { seen += Array(range) }
        #expect(seen == Array(3...15))
    }

    @Test(
        arguments: [
            ("12", ["a"], ["a": 12]), ("a:3,b:0", ["a", "b"], ["a": 3, "b": 0]),
        ] as [(String, [String], [String: UInt64])])
    func parsesSince(text: String, rooms: [String], expected: [String: UInt64]) {
        #expect(ResumeRequest.parse(text, rooms: rooms) == expected)
    }

    // Issue 20: an empty `since=` and a signed `+5` are client bugs, not "join live".
    @Test(arguments: [
        ("12", ["a", "b"]), ("-1", ["a"]), ("c:1", ["a"]), ("a:1,a:2", ["a"]), ("a:x", ["a"]), ("", ["a"]),
        ("+5", ["a"]), ("a:+5", ["a"]),
    ])
    func refusesMalformedSince(text: String, rooms: [String]) {
        #expect(ResumeRequest.parse(text, rooms: rooms) == nil)
    }
}
