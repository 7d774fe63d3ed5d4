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

    /// An accepted socket lws adopted: counted against its address while the limit is on,
    /// until it closes, whether or not the address was full then (its upgrade is what the
    /// limit refuses).
    func countAccepted(_ wsi: OpaquePointer) {
        guard currentMaxConnectionsPerIP > 0, let peer = PeerAddress(socket: lws_get_socket_fd(wsi)) else { return }
        relay.peerConnections.open(peer)
        acceptedPeers[Self.key(wsi)] = peer
    }

    /// LWS_CALLBACK_WSI_DESTROY (the last callback of every wsi) or a complete plain request:
    /// gives back its count.
    func forgetAccepted(_ wsi: OpaquePointer) {
        guard let peer = acceptedPeers.removeValue(forKey: Self.key(wsi)) else { return }
        relay.peerConnections.release(peer)
    }
}
