/// What the node knows of Redis, for `/healthz` (`degraded` while Redis is unreachable) and
/// the metrics.
public struct ClusterHealth: Sendable {
    /// Why Redis counts as unreachable now (the last error), nil while it answers.
    public var unreachableReason: String?
    /// Masters whose subscription connection is down now.
    var subscriptionsDown: Set<String> = []
    /// Subscription connections down now (one per master).
    public var subscribersDown: Int { subscriptionsDown.count }
    /// Batches numbered and published through Redis.
    public var publishedBatches: UInt64 = 0
    /// Flushed batches dropped because `cluster.maxPendingBatches` were waiting.
    public var droppedBatches: UInt64 = 0
    /// Retries refused by Redis as already seen (their first attempt's number acknowledged).
    public var duplicates: UInt64 = 0
    /// Numbers this node could not deliver (history no longer held them): told as gaps.
    public var gapMessages: UInt64 = 0
    /// Batches waiting for Redis now.
    public var pendingBatches = 0

    public init() {}

    public var isDegraded: Bool { unreachableReason != nil || subscribersDown > 0 }
}

extension ClusterLink {
    /// A snapshot for `/healthz` and the metrics.
    public func healthSnapshot() -> ClusterHealth {
        var snapshot = health.withLock { $0 }
        snapshot.pendingBatches = outgoing.withLock { $0.count }
        return snapshot
    }
}
