/// Anything that can wait in an outbound queue: the queue only needs its size.
public protocol OutboundFrame {
    var byteCount: Int { get }
}

/// One connection's bounded queue of frames waiting for the socket.
///
/// Viewers (`.dropOldestBatches`) shed first: when the queue passes its byte budget, queued
/// batches, oldest first, are replaced by their shed form (commerce kept, likes folded, chat
/// counted as dropped), then the incoming one; only if that is not enough are whole batches
/// dropped, oldest first, and the queue remembers exactly which sequence ranges were lost so
/// the next thing written for that room is a `missed` notice. So a purchase is never dropped
/// while chat that could be shed is queued. Consoles (`.disconnect`) must never miss silently,
/// so overflow asks for the connection to be closed instead.
public struct OutboundQueue<Frame: OutboundFrame> {
    public enum OverflowPolicy: Sendable {
        case dropOldestBatches
        case disconnect
    }

    public enum Entry {
        /// Welcome, errors, acknowledgements: never dropped.
        case control(Frame)
        /// `shed`: the batch's shed form and how many chat messages it leaves out;
        /// `commerce`: it holds gifts or shopping actions, dropped only after every other batch.
        case batch(room: String, range: ClosedRange<UInt64>, Frame, shed: Shed? = nil, commerce: Bool = false)

        var byteCount: Int {
            switch self {
            case .control(let frame), .batch(_, _, let frame, _, _): frame.byteCount
            }
        }
    }

    public struct Shed {
        public var frame: Frame
        public var droppedMessages: UInt64
        /// The entry already is in this form (its chat was counted as shed then).
        var applied = false

        public init(frame: Frame, droppedMessages: UInt64) {
            self.frame = frame
            self.droppedMessages = droppedMessages
        }

        var asApplied: Shed {
            var copy = self
            copy.applied = true
            return copy
        }
    }

    /// What to write next.
    public enum Item {
        case frame(Frame)
        case missed(room: String, range: ClosedRange<UInt64>)
    }

    public enum EnqueueResult: Equatable {
        case queued
        /// Queued after shedding chat from batches (`shed` messages) and, if that was not
        /// enough, dropping whole older batches (or the new one): `messages` in all.
        case queuedAfterDropping(messages: UInt64, shed: UInt64 = 0)
        /// The policy is `.disconnect` and the budget is exceeded, or a viewer's commerce passed
        /// the commerce allowance; nothing was queued and the connection should be closed.
        case overflow
    }

    // Every connection has one of these inline in its shard's member table, so the fields are
    // ordered and narrowed to keep it at 33 bytes (bytes per idle connection are a target).
    private var entries: [Entry] = []
    /// Lost ranges per room not yet reported, oldest first, contiguous ranges merged.
    private var missed: [(room: String, range: ClosedRange<UInt64>)] = []
    private var headIndex: Int32 = 0
    private var queuedBytesStorage: Int32 = 0
    private let budget: Int32
    private let commerceAllowance: Int32
    public let policy: OverflowPolicy

    /// High watermark: past it a viewer's queue sheds and drops.
    public var budgetBytes: Int { Int(budget) }
    /// Low watermark: what shedding and dropping bring the queue down to, so a viewer that fell
    /// behind loses one larger run (one `missed` notice) instead of a batch at every flush.
    public var lowWatermarkBytes: Int { budgetBytes / 2 }
    public var commerceAllowanceBytes: Int { Int(commerceAllowance) }
    /// Bytes queued: at most the budget plus the commerce allowance plus one frame, each
    /// budget at most `ChorusConfig.maxQueueBytes`.
    public private(set) var queuedBytes: Int {
        get { Int(queuedBytesStorage) }
        set { queuedBytesStorage = Int32(newValue) }
    }
    private var head: Int {
        get { Int(headIndex) }
        set { headIndex = Int32(newValue) }
    }

    /// `commerceAllowanceBytes`: how far past the budget batches holding commerce may queue
    /// when nothing else is left to shed or drop (viewers only). Both at most `Int32.max`
    /// (the configuration allows at most 512 MiB).
    public init(budgetBytes: Int, policy: OverflowPolicy, commerceAllowanceBytes: Int = 0) {
        self.commerceAllowance = Int32(clamping: commerceAllowanceBytes)
        self.budget = Int32(clamping: budgetBytes)
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
            var entry = entry
            var shed = shedQueued(toFit: size)
            if queuedBytes + entry.byteCount > budgetBytes,
                case .batch(let room, let range, _, let form?, let commerce) = entry
            {
                entry = .batch(room: room, range: range, form.frame, shed: form.asApplied, commerce: commerce)
                shed += form.droppedMessages
            }
            let dropped = dropQueued(toFit: entry.byteCount)
            let result: EnqueueResult =
                dropped + shed == 0 ? .queued : .queuedAfterDropping(messages: dropped + shed, shed: shed)
            guard case .batch(let room, let range, _, let incomingShed, let incomingCommerce) = entry else {
                append(entry)  // control frames are small and never dropped
                return result
            }
            if queuedBytes + entry.byteCount > budgetBytes && incomingCommerce {
                // Commerce is never dropped: past the budget it may use the commerce allowance,
                // and past that the viewer is too far behind to keep (it can resume with since).
                guard queuedBytes + entry.byteCount <= budgetBytes + commerceAllowanceBytes else { return .overflow }
                append(entry)
                return result
            }
            if queuedBytes + entry.byteCount > budgetBytes {
                recordMissed(room: room, range: range)
                let alreadyShed = incomingShed?.applied == true ? incomingShed!.droppedMessages : 0
                return .queuedAfterDropping(
                    messages: shed + dropped + range.upperBound - range.lowerBound + 1 - alreadyShed, shed: shed)
            }
            append(entry)
            return result
        }
    }

    /// Drops whole batches without commerce, oldest first, until `size` more bytes fit;
    /// returns the messages lost.
    private mutating func dropQueued(toFit size: Int) -> UInt64 {
        var dropped: UInt64 = 0
        var index = head
        while queuedBytes + size > lowWatermarkBytes, index < entries.count {
            if case .batch(let room, let range, _, let form, false) = entries[index] {
                // Chat already shed from this batch was counted then.
                dropped += range.upperBound - range.lowerBound + 1 - (form?.applied == true ? form!.droppedMessages : 0)
                recordMissed(room: room, range: range)
                queuedBytes -= entries[index].byteCount
                entries.remove(at: index)
            } else {
                index += 1
            }
        }
        return dropped
    }

    /// Replaces queued batches by their shed form, oldest first, until `size` more bytes fit;
    /// returns the chat messages left out.
    private mutating func shedQueued(toFit size: Int) -> UInt64 {
        var shed: UInt64 = 0
        var index = head
        while queuedBytes + size > lowWatermarkBytes, index < entries.count {
            if case .batch(let room, let range, let frame, let form?, let commerce) = entries[index], !form.applied {
                entries[index] = .batch(room: room, range: range, form.frame, shed: form.asApplied, commerce: commerce)
                queuedBytes -= frame.byteCount - form.frame.byteCount
                shed += form.droppedMessages
            }
            index += 1
        }
        return shed
    }

    /// The next item to write, removed from the queue. A `missed` notice comes before the
    /// first remaining batch of its room, so the receiver sees the gap exactly where it is.
    public mutating func next() -> Item? {
        if !missed.isEmpty {
            // A lost range goes out before the first remaining batch of its room that follows
            // it (a kept purchase batch can be older than the chat dropped after it).
            if head == entries.count {
                let first = missed.removeFirst()
                return .missed(room: first.room, range: first.range)
            }
            if case .batch(let room, let range, _, _, _) = entries[head],
                let index = missed.firstIndex(where: { $0.room == room }),
                missed[index].range.upperBound < range.lowerBound
            {
                let lost = missed.remove(at: index)
                return .missed(room: lost.room, range: lost.range)
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
        case .control(let frame), .batch(_, _, let frame, _, _): return .frame(frame)
        }
    }

    private mutating func append(_ entry: Entry) {
        entries.append(entry)
        queuedBytes += entry.byteCount
    }

    /// Keeps each room's lost ranges in sequence order, merging neighbours: commerce batches
    /// are dropped after newer chat ones, so ranges are not always lost oldest first.
    private mutating func recordMissed(room: String, range: ClosedRange<UInt64>) {
        var lower = range.lowerBound
        var upper = range.upperBound
        var insertAt = missed.count
        var index = missed.count - 1
        while index >= 0 {
            if missed[index].room == room {
                let other = missed[index].range
                if other.upperBound + 1 == lower || upper + 1 == other.lowerBound {
                    lower = min(lower, other.lowerBound)
                    upper = max(upper, other.upperBound)
                    missed.remove(at: index)
                    insertAt = index
                } else if other.lowerBound > upper {
                    insertAt = index
                }
            }
            index -= 1
        }
        missed.insert((room, lower...upper), at: min(insertAt, missed.count))
    }
}
