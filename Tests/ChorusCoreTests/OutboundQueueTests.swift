import Testing

@testable import ChorusCore

struct TestFrame: OutboundFrame, Equatable {
    var name: String
    var byteCount: Int
}

@Suite struct OutboundQueueTests {
    func batch(_ range: ClosedRange<UInt64>, size: Int = 100, room: String = "r") -> OutboundQueue<TestFrame>.Entry {
        .batch(room: room, range: range, TestFrame(name: "\(range)", byteCount: size))
    }

    @Test func viewerDropsOldestBatchesAndReportsTheExactGap() throws {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 250, policy: .dropOldestBatches)
        #expect(queue.enqueue(batch(1...5)) == .queued)
        #expect(queue.enqueue(batch(6...9)) == .queued)
        // Past the 250-byte budget the queue drops down to its low watermark (125): both batches.
        #expect(queue.enqueue(batch(10...12)) == .queuedAfterDropping(messages: 9))
        #expect(queue.enqueue(batch(13...20)) == .queued)
        #expect(queue.queuedBytes == 200)
        let missed = try #require(queue.next()?.asMissed, "expected a missed notice first")
        #expect(missed.room == "r")
        #expect(missed.range == 1...9)
        #expect(try #require(queue.next()?.asFrame).name == "10...12")
        #expect(try #require(queue.next()?.asFrame).name == "13...20")
        #expect(queue.next() == nil)
        #expect(queue.isEmpty)
    }

    /// A batch holding commerce: 100 bytes, shed to 20 (the commerce kept, `chat` messages out).
    func mixed(_ range: ClosedRange<UInt64>, chat: UInt64) -> OutboundQueue<TestFrame>.Entry {
        .batch(
            room: "r", range: range, TestFrame(name: "\(range)", byteCount: 100),
            shed: .init(frame: TestFrame(name: "\(range) shed", byteCount: 20), droppedMessages: chat), commerce: true)
    }

    func written(_ queue: inout OutboundQueue<TestFrame>) -> [String] {
        var names: [String] = []
        while let item = queue.next() {
            switch item {
            case .frame(let frame): names.append(frame.name)
            case .missed(_, let range): names.append("missed \(range)")
            }
        }
        return names
    }

    @Test func chatIsShedFromQueuedBatchesBeforeAnythingIsDropped() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 250, policy: .dropOldestBatches)
        #expect(queue.enqueue(mixed(1...5, chat: 4)) == .queued)
        #expect(queue.enqueue(mixed(6...10, chat: 3)) == .queued)
        // 300 bytes wanted: both queued batches are shed (100 → 20 each) towards the low
        // watermark (125); nothing is dropped, and the new batch is queued whole.
        #expect(queue.enqueue(batch(11...15)) == .queuedAfterDropping(messages: 7, shed: 7))
        #expect(queue.queuedBytes == 140)
        #expect(written(&queue) == ["1...5 shed", "6...10 shed", "11...15"])
    }

    @Test func purchasesOutliveNewerChatOnlyBatches() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 230, policy: .dropOldestBatches)
        #expect(queue.enqueue(mixed(1...5, chat: 4)) == .queued)
        #expect(queue.enqueue(batch(6...10)) == .queued)
        // Shed 1...5 (→ 20), still 270 > 230: the chat-only 6...10 goes, not the older purchase.
        #expect(queue.enqueue(batch(11...15, size: 150)) == .queuedAfterDropping(messages: 9, shed: 4))
        #expect(queue.enqueue(batch(16...20, size: 120)) == .queuedAfterDropping(messages: 5, shed: 0))
        // The lost ranges merge and come after the older kept batch, before the newer one.
        #expect(written(&queue) == ["1...5 shed", "missed 6...15", "16...20"])
    }

    @Test func incomingChatIsDroppedBeforeQueuedCommerce() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 110, policy: .dropOldestBatches)
        #expect(queue.enqueue(mixed(1...5, chat: 4)) == .queued)
        #expect(queue.enqueue(batch(6...10)) == .queuedAfterDropping(messages: 9, shed: 4))
        // A new commerce batch that does not fit is shed itself, not dropped.
        #expect(queue.enqueue(mixed(11...15, chat: 2)) == .queuedAfterDropping(messages: 2, shed: 2))
        #expect(written(&queue) == ["1...5 shed", "missed 6...10", "11...15 shed"])
    }

    @Test func commerceIsNeverDroppedAndPastItsAllowanceTheViewerIsClosed() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 100, policy: .dropOldestBatches, commerceAllowanceBytes: 150)
        #expect(queue.enqueue(mixed(1...5, chat: 4)) == .queued)
        // Incoming commerce: both shed, still over the budget, within the allowance: kept.
        let commerce = OutboundQueue<TestFrame>.Entry.batch(
            room: "r", range: 6...10, TestFrame(name: "6...10", byteCount: 95), commerce: true)
        #expect(queue.enqueue(commerce) == .queuedAfterDropping(messages: 4, shed: 4))
        #expect(queue.queuedBytes == 115)
        // Chat while only commerce is queued: the chat goes.
        #expect(queue.enqueue(batch(11...15)) == .queuedAfterDropping(messages: 5, shed: 0))
        // Past budget + allowance: refused, so the caller closes the viewer.
        let more = OutboundQueue<TestFrame>.Entry.batch(
            room: "r", range: 16...20, TestFrame(name: "16...20", byteCount: 140), commerce: true)
        #expect(queue.enqueue(more) == .overflow)
        #expect(written(&queue) == ["1...5 shed", "6...10", "missed 11...15"])
    }

    @Test func controlFramesAreNeverDropped() throws {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 150, policy: .dropOldestBatches)
        _ = queue.enqueue(.control(TestFrame(name: "welcome", byteCount: 50)))
        _ = queue.enqueue(batch(1...3))
        #expect(queue.enqueue(batch(4...6)) == .queuedAfterDropping(messages: 3))
        #expect(try #require(queue.next()?.asFrame).name == "welcome")
        #expect(try #require(queue.next()?.asMissed, "no gap").range == 1...3)
        #expect(try #require(queue.next()?.asFrame).name == "4...6")
    }

    @Test func aBatchLargerThanTheBudgetIsReportedMissed() throws {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 100, policy: .dropOldestBatches)
        #expect(queue.enqueue(batch(1...64, size: 500)) == .queuedAfterDropping(messages: 64))
        #expect(try #require(queue.next()?.asMissed, "no gap").range == 1...64)
        #expect(queue.next() == nil)
    }

    @Test func consoleOverflowAsksForDisconnect() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 150, policy: .disconnect)
        #expect(queue.enqueue(batch(1...3)) == .queued)
        #expect(queue.enqueue(batch(4...6)) == .overflow)
        #expect(queue.count == 1)
    }

    @Test func longRunsKeepMemoryCompact() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 1_000_000, policy: .dropOldestBatches)
        for index in 0..<10_000 {
            _ = queue.enqueue(batch(UInt64(index * 2 + 1)...UInt64(index * 2 + 2), size: 10))
            _ = queue.next()
        }
        #expect(queue.isEmpty)
        #expect(queue.queuedBytes == 0)
    }
}
