/// `chorus_cluster_*`: cluster mode (`cluster.redis`); zero on a node of its own.
extension MetricDefinition {
    static let cluster: [MetricDefinition] = [
        clusterRedisUnreachable, clusterSubscriptionsDown, clusterPendingBatches, clusterPublishedBatches,
        clusterDroppedBatches, clusterDuplicates, clusterGapMessages,
    ]

    static let clusterRedisUnreachable = MetricDefinition(
        "chorus_cluster_redis_unreachable", .gauge,
        help: "1 while Redis does not answer this node's publishes (batches wait, nothing is acknowledged).")
    static let clusterSubscriptionsDown = MetricDefinition(
        "chorus_cluster_subscriptions_down", .gauge,
        help: "Redis masters whose subscription connection is down (their rooms' batches are not heard).")
    static let clusterPendingBatches = MetricDefinition(
        "chorus_cluster_pending_batches", .gauge,
        help: "Flushed batches waiting for Redis to number and store them (bounded by cluster.maxPendingBatches).")
    static let clusterPublishedBatches = MetricDefinition(
        "chorus_cluster_published_batches_total", .counter,
        help: "Batches this node had Redis number, store and publish.")
    static let clusterDroppedBatches = MetricDefinition(
        "chorus_cluster_dropped_batches_total", .counter,
        help: "Flushed batches dropped, never acknowledged, because cluster.maxPendingBatches were waiting.")
    static let clusterDuplicates = MetricDefinition(
        "chorus_cluster_duplicates_total", .counter,
        help: "Retries Redis recognised by their idempotency key (sent to any node): acknowledged, not counted.")
    static let clusterGapMessages = MetricDefinition(
        "chorus_cluster_gap_messages_total", .counter,
        help: "Room numbers this node could not deliver (history no longer held them), told to members as gaps.")
}
