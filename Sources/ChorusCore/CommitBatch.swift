/// What one group commit writes: counter increments, and the acknowledgements that may be
/// sent once they are stored.
public struct CommitBatch: Sendable {
    public var deltas: [CounterKey: UInt64] = [:]
    public var acks: [PendingAck] = []
    /// Idempotency keys of the interactions counted in `deltas`, stored with them so that a
    /// retry after a crash is still recognised.
    public var keys: [IdempotencyWindow.Record] = []
    /// Interactions counted in `deltas`.
    public var interactions: UInt64 = 0
    /// When the oldest count in `deltas` was taken (monotonic ns); nil while empty.
    public var oldestCountAt: UInt64?
    /// Sequence numbers reserved per room: each room's new highest number that may be used,
    /// never to be given out again after a restart (`Hub+Sequences.swift`).
    public var sequences: [String: UInt64] = [:]

    public init() {}

    public var isEmpty: Bool { deltas.isEmpty && acks.isEmpty && sequences.isEmpty }

    /// Puts a batch that could not be stored back in front of what came since.
    public mutating func merge(_ earlier: CommitBatch) {
        for (key, count) in earlier.deltas { deltas[key, default: 0] += count }
        acks = earlier.acks + acks
        keys = earlier.keys + keys
        interactions += earlier.interactions
        oldestCountAt = [oldestCountAt, earlier.oldestCountAt].compactMap { $0 }.min()
        sequences.merge(earlier.sequences, uniquingKeysWith: max)
    }

    /// Whether to store it now: an ack, an idempotency key or a sequence reservation waits on it
    /// (a client, or a room's next batch, is waiting), or its oldest count has waited
    /// `quietNanoseconds`.
    public func isDue(now: UInt64, quietNanoseconds: UInt64) -> Bool {
        if !acks.isEmpty || !keys.isEmpty || !sequences.isEmpty { return true }
        guard let oldestCountAt else { return false }
        return now &- oldestCountAt >= quietNanoseconds
    }
}
