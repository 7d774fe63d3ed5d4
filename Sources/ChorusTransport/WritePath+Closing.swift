import CLibWebSockets
import ChorusCore

/// Every way the server closes a connection: with a close frame after the queue or at once,
/// without one for peers that cannot take it, and all at the graceful stop.
extension WritePath {
    /// Asks for the connection to be closed with `code` at its next writable callback, after
    /// what is already queued when `flushFirst`.
    func requestClose(
        _ id: ConnectionID, code: UInt16, reason: String, why: CloseReason, flushFirst: Bool = false
    ) {
        guard let connection = connections[id], connection.closeRequest == nil else { return }
        connection.closeRequest = CloseRequest(code: code, reason: reason, flushFirst: flushFirst)
        shard.stopDeliveries(to: id)
        noteClose(id, why: why, code: code, detail: reason)
        lws_callback_on_writable(connection.wsi)
    }

    func requestClose(_ id: ConnectionID, _ rejection: HandshakeRejection) {
        requestClose(id, code: rejection.code, reason: rejection.reason, why: rejection.why)
    }

    /// Sets the close frame lws sends when the callback returns -1.
    func closeNow(_ wsi: OpaquePointer, code: UInt16, reason: String) {
        FrameRules.close(wsi, code: code, reason: reason)
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
        if let code { statistics.current.closes[code, default: 0] += 1 }
        statistics.current.closeReasons[why, default: 0] += 1
        relay.logger.debug(
            "closing connection",
            metadata: [
                "connection": "\(id)", "reason": "\(why.rawValue)", "code": "\(code.map(String.init) ?? "none")",
                "detail": "\(detail)",
            ])
    }

    /// One wave of a graceful stop: up to `count` connections not yet draining are told the
    /// server is restarting and closed with 1001 once what they have queued is written. Walks
    /// the connections once per wave, at shutdown only.
    func drain(upTo count: Int) {
        draining = true
        var left = count
        connections.forEach { id, connection in
            guard left > 0, !connection.closeWhenFlushed else { return }
            left -= 1
            if connection.role != nil { sendNotice(Notice(.serverRestarting), to: id) }
            connection.closeWhenFlushed = true
            lws_callback_on_writable(connection.wsi)
        }
    }
}
