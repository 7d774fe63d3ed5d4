public import ChorusCluster
import ChorusSync

/// Cluster mode's metrics (`chorus_cluster_*`, zero on a node of its own) and `/healthz`'s view
/// of Redis.
extension MetricsExporter {
    public func attach(clusterHealth: @escaping @Sendable () -> ClusterHealth) {
        self.clusterHealth.withLock { $0 = clusterHealth }
    }

    /// What is wrong with Redis now, for `/healthz`; nil when nothing is (or no cluster).
    public func clusterDegradation() -> String? {
        guard let health = clusterHealth.withLock({ $0 })?() else { return nil }
        if let reason = health.unreachableReason { return "redis unreachable: \(reason)" }
        if health.subscribersDown > 0 { return "redis subscription down" }
        return nil
    }

    func exportCluster(_ state: inout State) {
        let health = clusterHealth.withLock { $0 }?() ?? ClusterHealth()
        set(&state, .clusterRedisUnreachable, [], health.unreachableReason == nil ? 0 : 1)
        set(&state, .clusterSubscriptionsDown, [], health.subscribersDown)
        set(&state, .clusterPendingBatches, [], health.pendingBatches)
        raise(&state, .clusterPublishedBatches, [], to: health.publishedBatches)
        raise(&state, .clusterDroppedBatches, [], to: health.droppedBatches)
        raise(&state, .clusterDuplicates, [], to: health.duplicates)
        raise(&state, .clusterGapMessages, [], to: health.gapMessages)
    }
}
