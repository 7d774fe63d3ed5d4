/// One room's batches as a node receives them from Redis, put back in the room's order.
///
/// Every node hears a room's batches on the room's channel, numbered by Redis. A batch can
/// arrive ahead of one still missing (the node subscribed while earlier ones were published,
/// or its connection to Redis broke and came back); members must still see the room gap-free
/// and in order. The feed hands batches on only in order: one that arrives ahead waits while
/// the missing range is fetched from the room's history in Redis; what history no longer
/// holds is handed on as one exact gap, never skipped silently. Sans-I/O: the caller reads
/// Redis and carries out the actions. `Batch` is whatever the caller keeps of a batch.
public struct RoomFeed<Batch> {
    public enum Action {
        /// Hand this batch (numbers `range`) to the room's members.
        case deliver(Batch, range: ClosedRange<UInt64>)
        /// Read the room's history after `after` (through `through` when known) and call `fetched`.
        case fetch(after: UInt64, through: UInt64?)
        /// These numbers are lost for good (history no longer holds them): tell members exactly.
        case gap(ClosedRange<UInt64>)
    }

    /// The last number handed on.
    public private(set) var delivered: UInt64
    /// Batches that arrived ahead of a missing one, by their first number.
    private var ahead: [UInt64: (batch: Batch, last: UInt64)] = [:]
    /// A fetch was asked for and has not been answered.
    public private(set) var isFetching = false

    /// A feed whose members have seen everything through `delivered` (the room's number in
    /// Redis when the node subscribed).
    public init(after delivered: UInt64) {
        self.delivered = delivered
    }

    /// Batches waiting for a missing one.
    public var waitingCount: Int { ahead.count }

    /// A batch heard on the room's channel.
    public mutating func receive(_ batch: Batch, range: ClosedRange<UInt64>) -> [Action] {
        guard range.upperBound > delivered else { return [] }  // already handed on (fetched first)
        guard range.lowerBound == delivered &+ 1 else {
            ahead[range.lowerBound] = (batch, range.upperBound)
            return startFetch(through: range.lowerBound - 1)
        }
        var actions: [Action] = [.deliver(batch, range: range)]
        delivered = range.upperBound
        drainAhead(into: &actions)
        return actions
    }

    /// The connection to Redis came back (or a fetch failed): anything published meanwhile
    /// is only in history, so read it.
    public mutating func catchUp() -> [Action] {
        isFetching = false
        return startFetch(through: nil)
    }

    /// A fetch could not be made (Redis did not answer): the next batch heard asks again.
    public mutating func fetchFailed() {
        isFetching = false
    }

    /// History's answer to `fetch`: the room's batches after the asked number, oldest first,
    /// `complete` when the read reached the end of what was asked (not cut by its limit).
    /// A number history no longer holds becomes a gap.
    public mutating func fetched(
        _ batches: [(batch: Batch, range: ClosedRange<UInt64>)], complete: Bool
    ) -> [Action] {
        isFetching = false
        var actions: [Action] = []
        for (batch, range) in batches where range.upperBound > delivered {
            if range.lowerBound > delivered &+ 1 {
                actions.append(.gap(delivered &+ 1...range.lowerBound - 1))
            }
            actions.append(.deliver(batch, range: range))
            delivered = range.upperBound
            ahead[range.lowerBound] = nil
        }
        drainAhead(into: &actions)
        if !ahead.isEmpty {
            if complete, let next = ahead.keys.min() {
                // History ends before the batch that waits: the numbers between are gone.
                actions.append(.gap(delivered &+ 1...next - 1))
                delivered = next - 1
                drainAhead(into: &actions)
            } else {
                actions += startFetch(through: ahead.keys.min().map { $0 - 1 })
            }
        }
        if !ahead.isEmpty, !isFetching { actions += startFetch(through: ahead.keys.min().map { $0 - 1 }) }
        return actions
    }

    private mutating func startFetch(through: UInt64?) -> [Action] {
        guard !isFetching else { return [] }
        isFetching = true
        return [.fetch(after: delivered, through: through)]
    }

    private mutating func drainAhead(into actions: inout [Action]) {
        while let next = ahead.removeValue(forKey: delivered &+ 1) {
            actions.append(.deliver(next.batch, range: delivered &+ 1...next.last))
            delivered = next.last
        }
        // Anything that waited but is now behind was covered by what was fetched.
        for (first, entry) in ahead where entry.last <= delivered { ahead[first] = nil }
    }
}
