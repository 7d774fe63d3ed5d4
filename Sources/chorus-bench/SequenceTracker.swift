/// Checks one connection's batch stream against the protocol's sequence guarantee.
///
/// docs/protocol.md: for every member, batches and `missed` frames cover consecutive sequence
/// ranges starting at `welcome.seq + 1`, with no gap and no overlap. Anything else is counted:
/// a range that skips ahead opens a *gap*; a later batch that fills part of a gap arrived *out of
/// order*; a range already covered is a *duplicate*. `missed` frames are the server admitting a
/// gap, so they are counted apart and do not count as gaps.
struct SequenceTracker {
    struct Counters: Equatable {
        var batches = 0
        /// Sequence numbers delivered twice (or batches overlapping what was delivered).
        var duplicateSeqs = 0
        /// Sequence numbers skipped without a `missed` frame and not delivered later.
        var gapSeqs = 0
        /// Batches that arrived after a later range had already been delivered.
        var outOfOrderBatches = 0
        var missedFrames = 0
        /// Sequence numbers the server reported as dropped via `missed`.
        var missedSeqs = 0

        var hasAnomaly: Bool { duplicateSeqs > 0 || gapSeqs > 0 || outOfOrderBatches > 0 }

        static func + (lhs: Self, rhs: Self) -> Self {
            Counters(
                batches: lhs.batches + rhs.batches,
                duplicateSeqs: lhs.duplicateSeqs + rhs.duplicateSeqs,
                gapSeqs: lhs.gapSeqs + rhs.gapSeqs,
                outOfOrderBatches: lhs.outOfOrderBatches + rhs.outOfOrderBatches,
                missedFrames: lhs.missedFrames + rhs.missedFrames,
                missedSeqs: lhs.missedSeqs + rhs.missedSeqs)
        }

        static func - (lhs: Self, rhs: Self) -> Self {
            Counters(
                batches: lhs.batches - rhs.batches,
                duplicateSeqs: lhs.duplicateSeqs - rhs.duplicateSeqs,
                gapSeqs: lhs.gapSeqs - rhs.gapSeqs,
                outOfOrderBatches: lhs.outOfOrderBatches - rhs.outOfOrderBatches,
                missedFrames: lhs.missedFrames - rhs.missedFrames,
                missedSeqs: lhs.missedSeqs - rhs.missedSeqs)
        }
    }

    /// Whether the messages of a batch are new to this member.
    enum Disposition {
        case fresh
        case duplicate
    }

    /// Open gaps remembered to tell late batches from duplicates; beyond this many the oldest
    /// are forgotten (their late arrival would then count as a duplicate).
    private static let maxOpenGaps = 64

    private(set) var counters = Counters()
    /// The next sequence number expected; nil until the welcome arrived.
    private var next: UInt64?
    private var openGaps: [ClosedRange<UInt64>] = []

    /// Whether the welcome (or a first batch) has set the starting point.
    var hasStarted: Bool { next != nil }

    mutating func welcome(seq: UInt64) {
        next = seq + 1
    }

    /// Accounts a `batch` frame covering `from...to`.
    mutating func batch(from: UInt64, to: UInt64) -> Disposition {
        counters.batches += 1
        return advance(from: from, to: to, missed: false)
    }

    /// Accounts a `missed` frame covering `from...to`.
    mutating func missed(from: UInt64, to: UInt64) {
        counters.missedFrames += 1
        if advance(from: from, to: to, missed: true) == .fresh {
            counters.missedSeqs += Int(to - from + 1)
        }
    }

    private mutating func advance(from: UInt64, to: UInt64, missed: Bool) -> Disposition {
        guard to >= from else { return .duplicate }
        guard let expected = next else {
            // A batch before the welcome: take it as the start of the stream.
            next = to + 1
            return .fresh
        }
        if from == expected {
            next = to + 1
            return .fresh
        }
        if from > expected {
            counters.gapSeqs += Int(from - expected)
            openGaps.append(expected...(from - 1))
            if openGaps.count > Self.maxOpenGaps { openGaps.removeFirst() }
            next = to + 1
            return .fresh
        }
        if let index = openGaps.firstIndex(where: { $0.contains(from) && $0.contains(to) }) {
            fillGap(at: index, with: from...to)
            // A late `missed` turns a silent gap into a reported loss; `missed(from:to:)` counts it.
            if !missed { counters.outOfOrderBatches += 1 }
            return .fresh
        }
        let overlapEnd = min(to, expected - 1)
        counters.duplicateSeqs += Int(overlapEnd - from + 1)
        if to >= expected {
            next = to + 1
            return .fresh
        }
        return .duplicate
    }

    private mutating func fillGap(at index: Int, with range: ClosedRange<UInt64>) {
        let gap = openGaps.remove(at: index)
        counters.gapSeqs -= range.count
        if gap.lowerBound < range.lowerBound {
            openGaps.append(gap.lowerBound...(range.lowerBound - 1))
        }
        if range.upperBound < gap.upperBound {
            openGaps.append((range.upperBound + 1)...gap.upperBound)
        }
    }
}
