import CLibWebSockets
import ChorusCore
import Glibc

/// One service thread's listening socket (`SO_REUSEPORT`, `ListenSocket`), watched by its
/// lws context as a raw descriptor: this thread accepts, and hands each connection to lws as
/// if lws's own listener had accepted it. Service thread only, after `watch`.
final class Acceptor {
    unowned(unsafe) let relay: RelayServer
    private let listener: ListenSocket
    /// lws's watch of the listening socket; nil once accepting stopped.
    private var watch: OpaquePointer?
    /// Kept open to be given up when the process runs out of descriptors, so a pending
    /// connection can still be accepted and closed instead of spinning on it.
    private var spareDescriptor: Int32

    var port: Int { listener.port }

    init(relay: RelayServer, port: Int) throws(TransportError) {
        self.relay = relay
        listener = try ListenSocket(host: relay.config.listen.host, port: port)
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        if spareDescriptor >= 0 { close(spareDescriptor) }
    }

    /// Has `vhost` report the listening socket readable (LWS_CALLBACK_RAW_RX_FILE).
    func watch(in vhost: OpaquePointer?, index: Int) throws(TransportError) {
        var descriptor = lws_sock_file_fd_type()
        descriptor.filefd = listener.descriptor
        watch = lws_adopt_descriptor_vhost(vhost, LWS_ADOPT_RAW_FILE_DESC, descriptor, Subprotocol.standard, nil)
        guard watch != nil else { throw .adoptFailed(index: index) }
    }

    /// Accepts what is pending (at most 256 a callback) and has lws adopt each connection into
    /// `vhost`; closes them at once while the server stops.
    func acceptPending(into vhost: OpaquePointer?, draining: Bool) {
        for _ in 0..<256 {
            switch listener.accept() {
            case nil:
                return
            case .success(let client):
                if draining || relay.isDraining {
                    close(client)
                } else if lws_adopt_socket_vhost(vhost, client) == nil {
                    relay.logger.warning("lws could not adopt an accepted connection")
                }
            case .failure(.outOfDescriptors):
                relay.logger.warning("out of file descriptors: refusing a connection")
                close(spareDescriptor)
                if case .success(let client) = listener.accept() { close(client) }
                spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                return
            case .failure(.transient):
                continue
            case .failure(.failed(let reason)):
                relay.logger.error("accept failed", metadata: ["error": "\(reason)"])
                return
            }
        }
    }

    /// Stops accepting: lws closes the listening socket's watch (and the socket) shortly.
    func stopAccepting() {
        if let watch { lws_set_timeout(watch, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC) }
        watch = nil
    }
}
