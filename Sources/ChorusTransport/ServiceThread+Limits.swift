import CLibWebSockets
import ChorusCore

/// Abuse limits, enforced on the service thread that owns the connection: per-connection
/// interaction rates and slow mode before an interaction costs anything (tagging, the hub
/// lock), and the per-address connection count when a WebSocket is established.
extension ServiceThread {
    /// Applies the viewer's rate limits and its room's slow mode. False: refused, with an error
    /// frame queued (`rate_limited`, `slow_mode`), or the connection is being closed with 4008.
    func admit(
        _ id: ConnectionID, _ connection: Connection, _ kind: InteractionKind, room: String, clientID: String?
    ) -> Bool {
        let slowMode = kind == .chat ? relay.slowModeSeconds(room: room) : 0
        // Unlimited daemons (benchmarks) keep no per-connection state.
        if relay.interactionPolicy.isUnlimited, slowMode == 0 { return true }
        let state: RateLimitState
        if let existing = connection.rateLimits {
            state = existing
        } else {
            state = RateLimitState()
            connection.rateLimits = state
        }
        let now = MonotonicClock.nanoseconds()
        switch state.limiter.admit(kind, policy: relay.interactionPolicy, slowModeSeconds: slowMode, now: now) {
        case .allow:
            return true
        case .throttle(let reason, let wait):
            statistics.throttled[.init(kind: kind, reason: reason), default: 0] += 1
            let error = ProtocolError.throttled(kind, reason, retryAfterMilliseconds: wait)
            send(ServerFrames.error(error, clientID: clientID, notice: localize(error, for: id)), to: id)
            return false
        case .close:
            // After what is queued, so the viewer reads every error frame that explained why.
            sendNotice(Notice(.disconnectedForFlooding), to: id)
            requestClose(
                id, code: CloseCode.keptSendingWhileThrottled, reason: "kept sending while rate limited",
                why: .throttled, flushFirst: true)
            return false
        }
    }

    /// A console sets a room's slow mode; every member of the room is told with a `slowmode`
    /// frame, and so is the console itself when it is not in the room.
    func setSlowMode(_ id: ConnectionID, room: String, seconds: Int) {
        guard let token = consoleTokens[id] else { return }
        guard token.allows(room: room) else { return reject(id, .forbidden(room: room)) }
        guard relay.setSlowMode(room: room, seconds: seconds) != .unknownRoom else {
            return reject(id, .invalidField(name: "room", reason: "names a room that does not exist"))
        }
        if !shard.rooms(of: id).contains(room) { send(slowModeFrame(room: room, seconds: seconds, for: id), to: id) }
    }

    /// Counts the new connection against its address's limit; false when the address is full.
    func admitPeer(_ id: ConnectionID) -> Bool {
        let limit = relay.config.limits.maxConnectionsPerIP
        guard limit > 0, let wsi = connections[id]?.wsi, let peer = PeerAddress(socket: lws_get_socket_fd(wsi)) else {
            return true
        }
        guard relay.peerConnections.admit(peer, limit: limit) else {
            statistics.refusedPerAddress += 1
            return false
        }
        connections[id]!.peer = peer
        return true
    }
}
