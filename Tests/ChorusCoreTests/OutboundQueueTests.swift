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

    @Test func viewerDropsOldestBatchesAndReportsTheExactGap() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 250, policy: .dropOldestBatches)
        #expect(queue.enqueue(batch(1...5)) == .queued)
        #expect(queue.enqueue(batch(6...9)) == .queued)
        #expect(queue.enqueue(batch(10...12)) == .queuedAfterDropping(messages: 5))
        #expect(queue.enqueue(batch(13...20)) == .queuedAfterDropping(messages: 4))
        #expect(queue.queuedBytes == 200)
        guard case .missed(let room, let range) = queue.next() else {
            Issue.record("expected a missed notice first")
            return
        }
        #expect(room == "r")
        #expect(range == 1...9)
        guard case .frame(let frame) = queue.next() else {
            Issue.record("expected a frame")
            return
        }
        #expect(frame.name == "10...12")
        if case .frame(let next) = queue.next() { #expect(next.name == "13...20") }
        #expect(queue.next() == nil)
        #expect(queue.isEmpty)
    }

    @Test func controlFramesAreNeverDropped() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 150, policy: .dropOldestBatches)
        _ = queue.enqueue(.control(TestFrame(name: "welcome", byteCount: 50)))
        _ = queue.enqueue(batch(1...3))
        #expect(queue.enqueue(batch(4...6)) == .queuedAfterDropping(messages: 3))
        if case .frame(let first) = queue.next() { #expect(first.name == "welcome") }
        if case .missed(_, let range) = queue.next() { #expect(range == 1...3) } else { Issue.record("no gap") }
        if case .frame(let last) = queue.next() { #expect(last.name == "4...6") }
    }

    @Test func aBatchLargerThanTheBudgetIsReportedMissed() {
        var queue = OutboundQueue<TestFrame>(budgetBytes: 100, policy: .dropOldestBatches)
        #expect(queue.enqueue(batch(1...64, size: 500)) == .queuedAfterDropping(messages: 64))
        if case .missed(_, let range) = queue.next() { #expect(range == 1...64) } else { Issue.record("no gap") }
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

extension OutboundQueue.Item: Equatable where Frame: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.frame(let left), .frame(let right)): left == right
        case (.missed(let leftRoom, let leftRange), .missed(let rightRoom, let rightRange)):
            leftRoom == rightRoom && leftRange == rightRange
        default: false
        }
    }
}
