import CLibWebSockets
import ChorusCore

/// Liveness of this thread's connections: each is visited once per
/// `transport.pingIntervalSeconds` by the thread's `HeartbeatSchedule` (O(1) per connection
/// per round) and pinged, and dropped when a ping stays unanswered until the next visit.
/// lws's own validity timers are off (`retry_and_idle_policy` with no ping and no hangup):
/// they cost O(n) per connection per round.
extension ServiceThread {
    /// On each tick: the connections whose turn has come.
    func visitHeartbeats(now: UInt64) {
        for id in heartbeat.takeDue(now: now) {
            // Not known any more: closed since it was queued, and so forgotten.
            guard let connection = connections[id] else { continue }
            switch heartbeat.visit(id, standing: &connection.heartbeat, now: now) {
            case .ping:
                // Not written (lws holds part of a frame): the write timeout watches it instead.
                if !ping(connection) { connection.heartbeat = .heard }
            case .close:
                drop(id, connection, why: .pongOverdue)
            }
        }
    }

    /// Writes a ping at once unless lws still holds part of an earlier frame (then the
    /// connection is busy being written to, and the write timeout watches it instead).
    private func ping(_ connection: Connection) -> Bool {
        guard connection.closeRequest == nil, lws_partial_buffered(connection.wsi) == 0 else { return false }
        let written = lws_write(connection.wsi, pingFrame.payload, pingFrame.byteCount, LWS_WRITE_PING)
        guard written >= 0 else { return false }
        statistics.pingsSent += 1
        return true
    }

    /// Kills the connection without a close frame, for peers that cannot take one: they answer
    /// nothing, or read nothing.
    func drop(_ id: ConnectionID, _ connection: Connection, why: CloseReason) {
        noteClose(id, why: why, code: nil, detail: "no close frame")
        lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
    }

    /// Counts a close the server initiates, by reason (and close code when it sends one), and
    /// says why at debug level: every way the daemon closes a connection goes through here.
    func noteClose(_ id: ConnectionID, why: CloseReason, code: UInt16?, detail: String) {
        if let code { statistics.closes[code, default: 0] += 1 }
        statistics.closeReasons[why, default: 0] += 1
        relay.logger.debug(
            "closing connection",
            metadata: [
                "connection": "\(id)", "reason": "\(why.rawValue)", "code": "\(code.map(String.init) ?? "none")",
                "detail": "\(detail)",
            ])
    }
}
