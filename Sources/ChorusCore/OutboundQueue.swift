/// Anything that can wait in an outbound queue: the queue only needs its size.
public protocol OutboundFrame {
    var byteCount: Int { get }
}

/// One connection's bounded queue of frames waiting for the socket.
///
/// Viewers (`.dropOldestBatches`) lose whole batches, oldest first, when the queue passes its
/// byte budget, and the queue remembers exactly which sequence ranges they lost so the next
/// thing written for that room is a `missed` notice. Consoles (`.disconnect`) must never miss
/// silently, so overflow asks for the connection to be closed instead.
public struct OutboundQueue<Frame: OutboundFrame> {
    public enum OverflowPolicy: Sendable {
        case dropOldestBatches
        case disconnect
    }

    public enum Entry {
        /// Welcome, errors, acknowledgements: never dropped.
        case control(Frame)
        case batch(room: String, range: ClosedRange<UInt64>, Frame)

        var byteCount: Int {
            switch self {
            case .control(let frame), .batch(_, _, let frame): frame.byteCount
            }
        }
    }

    /// What to write next.
    public enum Item {
        case frame(Frame)
        case missed(room: String, range: ClosedRange<UInt64>)
    }

    public enum EnqueueResult: Equatable {
        case queued
        /// Queued after dropping this many messages' worth of older batches (or the new one).
        case queuedAfterDropping(messages: UInt64)
        /// The policy is `.disconnect` and the budget is exceeded; nothing was queued.
        case overflow
    }

    public let budgetBytes: Int
    public let policy: OverflowPolicy
    public private(set) var queuedBytes = 0
    private var entries: [Entry] = []
    private var head = 0
    /// Lost ranges per room not yet reported, oldest first, contiguous ranges merged.
    private var missed: [(room: String, range: ClosedRange<UInt64>)] = []

    public init(budgetBytes: Int, policy: OverflowPolicy) {
        self.budgetBytes = budgetBytes
        self.policy = policy
    }

    public var isEmpty: Bool { head == entries.count && missed.isEmpty }
    public var count: Int { entries.count - head }

    public mutating func enqueue(_ entry: Entry) -> EnqueueResult {
        let size = entry.byteCount
        guard queuedBytes + size > budgetBytes else {
            append(entry)
            return .queued
        }
        switch policy {
        case .disconnect:
            return .overflow
        case .dropOldestBatches:
            var dropped: UInt64 = 0
            var index = head
            while queuedBytes + size > budgetBytes, index < entries.count {
                if case .batch(let room, let range, _) = entries[index] {
                    dropped += range.upperBound - range.lowerBound + 1
                    recordMissed(room: room, range: range)
                    queuedBytes -= entries[index].byteCount
                    entries.remove(at: index)
                } else {
                    index += 1
                }
            }
            if queuedBytes + size > budgetBytes, case .batch(let room, let range, _) = entry {
                recordMissed(room: room, range: range)
                return .queuedAfterDropping(messages: dropped + range.upperBound - range.lowerBound + 1)
            }
            append(entry)
            return dropped == 0 ? .queued : .queuedAfterDropping(messages: dropped)
        }
    }

    /// The next item to write, removed from the queue. A `missed` notice comes before the
    /// first remaining batch of its room, so the receiver sees the gap exactly where it is.
    public mutating func next() -> Item? {
        if let first = missed.first {
            let reportNow: Bool
            if head == entries.count {
                reportNow = true
            } else if case .batch(let room, _, _) = entries[head] {
                reportNow = room == first.room
            } else {
                reportNow = false
            }
            if reportNow {
                missed.removeFirst()
                return .missed(room: first.room, range: first.range)
            }
        }
        guard head < entries.count else { return nil }
        let entry = entries[head]
        head += 1
        queuedBytes -= entry.byteCount
        if head == entries.count {
            // Drained: give the storage back, so an idle connection holds no queue memory.
            entries = []
            head = 0
        } else if head > 64, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        switch entry {
        case .control(let frame), .batch(_, _, let frame): return .frame(frame)
        }
    }

    private mutating func append(_ entry: Entry) {
        entries.append(entry)
        queuedBytes += entry.byteCount
    }

    private mutating func recordMissed(room: String, range: ClosedRange<UInt64>) {
        if let index = missed.lastIndex(where: { $0.room == room }),
            missed[index].range.upperBound + 1 == range.lowerBound
        {
            missed[index].range = missed[index].range.lowerBound...range.upperBound
        } else {
            missed.append((room, range))
        }
    }
}
