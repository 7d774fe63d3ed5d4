import CLibWebSockets
import ChorusCore

/// Abuse limits, enforced on the service thread that owns the connection before the work
/// they protect: per-connection interaction rates and slow mode before an interaction costs
/// anything (tagging, the hub lock), the per-address connection count when a WebSocket is
/// established, and the ingress gate that pauses reading while deliveries are behind.
final class LimitEnforcer {
    unowned(unsafe) let relay: RelayServer
    private let connections: ConnectionTable
    private let writePath: WritePath
    private let statistics: ThreadStatistics
    /// Pauses reading while the service threads are behind on deliveries.
    private(set) var ingress: IngressGate
    /// Connections whose reading `ingress` paused, to resume together.
    private var pausedReaders: [ConnectionID] = []
    /// Run-time settings, this thread's copy (`adopt`): the rates every connection is held to.
    private var interactionPolicy: InteractionRateLimiter.Policy
    private(set) var currentMaxConnectionsPerIP: Int
    /// Accepted sockets counted against their address from the accept (`+Accepted`), by wsi.
    /// Removed when lws destroys the wsi.
    var acceptedPeers: [UInt: PeerAddress] = [:]

    init(
        config: ChorusConfig, relay: RelayServer, connections: ConnectionTable, writePath: WritePath,
        statistics: ThreadStatistics
    ) {
        self.relay = relay
        self.connections = connections
        self.writePath = writePath
        self.statistics = statistics
        ingress = IngressGate(highWatermark: config.transport.ingressHighWatermark)
        interactionPolicy = config.interactionPolicy
        currentMaxConnectionsPerIP = config.limits.maxConnectionsPerIP
    }

    /// A reload: new rates apply to open connections' next interactions (their buckets keep
    /// what they used), the address limit to connections opened from now on, the watermark
    /// from the next message read.
    func adopt(_ config: ChorusConfig) {
        ingress.highWatermark = config.transport.ingressHighWatermark
        interactionPolicy = config.interactionPolicy
        currentMaxConnectionsPerIP = config.limits.maxConnectionsPerIP
    }

    /// Applies the viewer's rate limits and its room's slow mode. False: refused, with an error
    /// frame queued (`rate_limited`, `slow_mode`), or the connection is being closed with 4008.
    func admit(
        _ id: ConnectionID, _ connection: Connection, _ kind: InteractionKind, room: String, clientID: String?
    ) -> Bool {
        let slowMode = kind == .chat ? relay.slowModeSeconds(room: room) : 0
        // Unlimited daemons (benchmarks) keep no per-connection state.
        if interactionPolicy.isUnlimited, slowMode == 0 { return true }
        let state: RateLimitState
        if let existing = connection.rateLimits {
            state = existing
        } else {
            state = RateLimitState()
            connection.rateLimits = state
        }
        let now = MonotonicClock.nanoseconds()
        switch state.limiter.admit(kind, policy: interactionPolicy, slowModeSeconds: slowMode, now: now) {
        case .allow:
            return true
        case .throttle(let reason, let wait):
            statistics.current.throttled[.init(kind: kind, reason: reason), default: 0] += 1
            let error = ProtocolError.throttled(kind, reason, retryAfterMs: wait)
            writePath.send(
                ServerFrames.error(error, clientID: clientID, notice: writePath.localize(error, for: id)), to: id)
            return false
        case .close:
            // After what is queued, so the viewer reads every error frame that explained why.
            writePath.sendNotice(Notice(.disconnectedForFlooding), to: id)
            writePath.requestClose(
                id, code: CloseCode.keptSendingWhileThrottled, reason: "kept sending while rate limited",
                why: .throttled, flushFirst: true)
            return false
        }
    }

    /// Whether the new connection's address is within its limit; false when the address has
    /// more sockets open than `limits.maxConnectionsPerIP`, this one included. A socket counted
    /// at its accept (`countAccepted`) is checked against that exact count, not counted again.
    func admitPeer(_ connection: Connection) -> Bool {
        let limit = currentMaxConnectionsPerIP
        if let peer = acceptedPeers[Self.key(connection.wsi)] {
            guard limit == 0 || relay.peerConnections.count(peer) <= limit else {
                statistics.current.refusedPerAddress += 1
                return false
            }
            return true
        }
        guard limit > 0, let peer = PeerAddress(socket: lws_get_socket_fd(connection.wsi)) else { return true }
        guard relay.peerConnections.admit(peer, limit: limit) else {
            statistics.current.refusedPerAddress += 1
            return false
        }
        connection.peer = peer
        return true
    }

    /// A message was read: past the high watermark of waiting deliveries, the connection's
    /// next messages wait in the kernel until delivery catches up (TCP pushes back on its client).
    func pauseIfBehind(_ id: ConnectionID, _ connection: Connection) {
        guard ingress.shouldPause(pending: relay.pendingDeliveries.load(ordering: .relaxed)) else { return }
        lws_rx_flow_control(connection.wsi, 0)
        pausedReaders.append(id)
    }

    /// On each tick: once deliveries are back under the low watermark, every paused reader resumes.
    func resumeIfCaughtUp() {
        guard ingress.shouldResumeAll(pending: relay.pendingDeliveries.load(ordering: .relaxed)) else { return }
        for id in pausedReaders {
            if let wsi = connections[id]?.wsi { lws_rx_flow_control(wsi, 1) }
        }
        pausedReaders.removeAll()
    }
}
