import ChorusCluster
public import ChorusCore
public import ChorusTransport
import Foundation
public import Logging

/// Cluster mode's wiring (`cluster.redis`): a `ClusterLink` that hands what Redis publishes to
/// the relay and takes the relay's flushed batches.
public final class ClusterConnector: Sendable {
    private let link: ClusterLink

    /// Connects to Redis to learn its shape (one server or a cluster); throws when no server
    /// named in `cluster.redis` answers.
    public init(config: ChorusConfig, relay: RelayServer, metrics: MetricsExporter, logger: Logger) throws {
        let node = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        link = try ClusterLink(
            config: config, nodeName: node,
            delivery: ClusterLink.Delivery(
                batch: { [relay] room, range, messages in
                    relay.deliverFromCluster(room: room, range: range, messages: messages)
                },
                gap: { [relay] room, range in relay.gapFromCluster(room: room, range: range) },
                acks: { [relay] acks in relay.deliverAcks(acks) },
                warning: { message, metadata in
                    logger.warning("\(message)", metadata: metadata.mapValues { .string($0) })
                },
                slowMode: { [relay] room, seconds in relay.applyClusterSlowMode(room: room, seconds: seconds) },
                presence: { [relay] in relay.withHub { $0.localPresence() } },
                adoptPresence: { [relay] sums in relay.withHub { $0.adoptClusterPresence(sums) } }))
        relay.attach(clusterBroker: link)
        metrics.attach(clusterHealth: { [link] in link.healthSnapshot() })
        logger.notice(
            "cluster mode: rooms, numbers, history and counts in Redis (storage.* unused)",
            metadata: ["redis": "\(config.cluster.endpoints.map(\.description))", "node": "\(node)"])
    }

    public func start() { link.start() }

    /// Waits (at most the command timeout) for flushed batches to be stored and acknowledged.
    public func finishPublishing() { link.finishPublishing() }

    public func stop() { link.stop() }
}
