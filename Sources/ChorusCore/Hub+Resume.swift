extension Hub {
    /// What a member that last saw `since` in a room gets before live batches: the part of
    /// the range the room no longer holds, as one exact gap, then the held batches in order.
    public struct ResumePlan: Sendable {
        /// Sequence numbers after `since` that history no longer holds.
        public var gap: ClosedRange<UInt64>?
        /// Batches from the end of the gap (or `since + 1`) up to the room's last broadcast.
        public var batches: [RoomBatch]
    }

    public enum ResumeOutcome: Sendable {
        case resume(ResumePlan)
        /// `since` is past anything the room has broadcast (a client of an earlier run of the
        /// room, or a bug): the member starts live after `lastBroadcast` instead.
        case ahead(lastBroadcast: UInt64)
        case unknownRoom
    }

    /// Plans a resume for a member that joined `room` in the same hub access (so that no batch
    /// is flushed in between: the live stream starts right after the last one planned here).
    public mutating func resume(room name: String, after since: UInt64) -> ResumeOutcome {
        guard let room = rooms[name] else { return .unknownRoom }
        let last = room.lastBroadcast
        guard since <= last else { return .ahead(lastBroadcast: last) }
        resumeStatistics.requests += 1
        guard since < last else { return .resume(ResumePlan(gap: nil, batches: [])) }
        var gap: ClosedRange<UInt64>?
        var from = since
        if let first = room.history.firstSeq, first <= last {
            if first > since + 1 {
                gap = (since + 1)...(first - 1)
                from = first - 1
            }
        } else {
            gap = (since + 1)...last
            from = last
        }
        let batches = from < last ? room.history.batches(after: from) : []
        if let gap {
            resumeStatistics.gaps += 1
            resumeStatistics.gapMessages += gap.upperBound - gap.lowerBound + 1
        }
        resumeStatistics.replayedMessages += batches.reduce(0) { $0 + UInt64($1.messages.count) }
        return .resume(ResumePlan(gap: gap, batches: batches))
    }
}

/// Resume requests served by a hub, for metrics.
public struct ResumeStatistics: Sendable, Equatable {
    public var requests: UInt64 = 0
    /// Resumes that had to report a gap, and how many sequence numbers those gaps held.
    public var gaps: UInt64 = 0
    public var gapMessages: UInt64 = 0
    public var replayedMessages: UInt64 = 0

    public init() {}
}
