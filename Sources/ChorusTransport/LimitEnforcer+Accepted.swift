import CLibWebSockets
import ChorusCore

/// `limits.maxConnectionsPerIP` counts sockets from their accept, not from their upgrade: a
/// client holding many sockets that never finish their request (half-open, slowloris) uses
/// up its address's share, and its next upgrade is closed with 4029. An upgrade keeps the
/// count until the WebSocket closes; a complete plain request (`/healthz`) gives it back at
/// once and is still answered (it is short, and the handshake timeout,
/// `limits.handshakeTimeoutSeconds`, closes a socket that never completes a request).
extension LimitEnforcer {
    static func key(_ wsi: OpaquePointer) -> UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(wsi))) }

    /// An accepted socket lws adopted: counted against its address while the limit is on.
    func countAccepted(_ wsi: OpaquePointer) {
        let limit = currentMaxConnectionsPerIP
        guard limit > 0, let peer = PeerAddress(socket: lws_get_socket_fd(wsi)) else { return }
        acceptedPeers[Self.key(wsi)] = (peer, relay.peerConnections.admit(peer, limit: limit))
    }

    /// LWS_CALLBACK_WSI_DESTROY (the last callback of every wsi) or a complete plain request:
    /// gives back its count.
    func forgetAccepted(_ wsi: OpaquePointer) {
        guard let accepted = acceptedPeers.removeValue(forKey: Self.key(wsi)) else { return }
        if accepted.admitted { relay.peerConnections.release(accepted.peer) }
    }
}
