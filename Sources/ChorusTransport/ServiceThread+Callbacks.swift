import CChorusTLS
import CLibWebSockets
import ChorusCore

/// The single lws protocol callback; finds the `ServiceThread` that owns the context and
/// hands it the event. Runs on that service thread.
func chorusServiceCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    if reason == LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS {
        // A TLS vhost's SSL_CTX (`user`), while lws creates the vhost: possibly before the
        // thread runs, so it is configured here and not in `handle`. Non-zero fails the vhost.
        return chorus_tls_configure_server_context(user) == 1 ? 0 : -1
    }
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else { return 0 }
    let thread = Unmanaged<ServiceThread>.fromOpaque(owner).takeUnretainedValue()
    return thread.handle(wsi, reason, session: user, input: input, length: length)
}

extension ServiceThread {
    /// Each lws event to the component that handles it; returns what lws expects (-1 closes).
    func handle(
        _ wsi: OpaquePointer, _ reason: lws_callback_reasons, session: UnsafeMutableRawPointer?,
        input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        owner.assertOnOwner()
        switch reason {
        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
            return surface.confirmUpgrade(wsi)
        case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
            // A complete plain request: the socket no longer counts against its address (its
            // client may already be closing it, before lws notices).
            limits.forgetAccepted(wsi)
            return surface.filterPlain(wsi)
        case LWS_CALLBACK_RAW_ADOPT:
            return surface.refuseConnect(wsi)
        case LWS_CALLBACK_WSI_DESTROY:
            limits.forgetAccepted(wsi)
            return 0
        case LWS_CALLBACK_HTTP:
            return http.serve(wsi)
        case LWS_CALLBACK_ESTABLISHED:
            FrameRules.armProtocolErrorClose(wsi)
            handshake.established(wsi)
            return 0
        case LWS_CALLBACK_RECEIVE:
            guard let id = connectionID(session) else { return -1 }
            return receivePath.receive(id, input.map { UnsafeRawBufferPointer(start: $0, count: length) })
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            guard let id = connectionID(session) else { return 0 }
            return receivePath.peerInitiatedClose(id, input, length)
        case LWS_CALLBACK_RECEIVE_PONG:
            if let id = connectionID(session) { connections[id]?.heartbeat = .heard }
            return 0
        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let id = connectionID(session) else { return -1 }
            // No pong is pending here (lws sends it before this callback): safe to re-arm.
            FrameRules.armProtocolErrorClose(wsi)
            return writePath.writeNext(id)
        case LWS_CALLBACK_CLOSED:
            if let id = connectionID(session) { handshake.closed(id) }
            return 0
        case LWS_CALLBACK_RAW_RX_FILE:
            acceptor.acceptPending(on: wsi, into: vhost, draining: writePath.draining, adopted: limits.countAccepted)
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0
        default:
            return lws_callback_http_dummy(wsi, reason, session, input, length)
        }
    }

    /// The ID `ESTABLISHED` stored as the wsi's user pointer (IDs start at 1; nil before).
    private func connectionID(_ session: UnsafeMutableRawPointer?) -> ConnectionID? {
        guard let session else { return nil }
        return ConnectionID(UInt64(UInt(bitPattern: session)))
    }
}
