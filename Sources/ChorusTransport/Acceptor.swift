import CLibWebSockets
import ChorusCore
import Glibc

/// One service thread's listening sockets, watched by its lws context as raw descriptors:
/// this thread accepts, and hands each connection to lws as if lws's own listener had
/// accepted it. Its own `SO_REUSEPORT` socket on `listen.*`, or, under socket activation, a
/// duplicate of every socket systemd passed (each thread then watches them all, and whichever
/// thread's accept wins takes the connection). Service thread only, after `watch`.
final class Acceptor {
    unowned(unsafe) let relay: RelayServer
    private let listeners: [ListenSocket]
    /// lws's watch of each listening socket; empty once accepting stopped.
    private var watches: [OpaquePointer] = []
    /// Kept open to be given up when the process runs out of descriptors, so a pending
    /// connection can still be accepted and closed instead of spinning on it.
    private var spareDescriptor: Int32

    var port: Int { listeners.first?.port ?? 0 }

    /// Binds `listen.host:port`, or adopts duplicates of `inherited` (socket activation).
    init(relay: RelayServer, port: Int, inherited: [Int32]) throws(TransportError) {
        self.relay = relay
        if inherited.isEmpty {
            listeners = [try ListenSocket(host: relay.startConfig.listen.host, port: port)]
        } else {
            listeners = inherited.map { ListenSocket(adopting: dup($0)) }
        }
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        if spareDescriptor >= 0 { close(spareDescriptor) }
    }

    /// Has `vhost` report each listening socket readable (LWS_CALLBACK_RAW_RX_FILE).
    func watch(in vhost: OpaquePointer?, index: Int) throws(TransportError) {
        for listener in listeners {
            var descriptor = lws_sock_file_fd_type()
            descriptor.filefd = listener.descriptor
            let watch = lws_adopt_descriptor_vhost(
                vhost, LWS_ADOPT_RAW_FILE_DESC, descriptor, Subprotocol.standard, nil)
            guard let watch else { throw .adoptFailed(index: index) }
            watches.append(watch)
        }
    }

    /// Accepts what is pending on the socket `watch` reported (at most 256 a callback) and has
    /// lws adopt each connection into `vhost` (`adopted` sees each); closes them at once while
    /// the server stops.
    func acceptPending(
        on watch: OpaquePointer?, into vhost: OpaquePointer?, draining: Bool, adopted: (OpaquePointer) -> Void
    ) {
        guard let index = watches.firstIndex(where: { $0 == watch }) else { return }
        let listener = listeners[index]
        for _ in 0..<256 {
            switch listener.accept() {
            case nil:
                return
            case .success(let client):
                if draining || relay.isDraining {
                    close(client)
                } else if let wsi = lws_adopt_socket_vhost(vhost, client) {
                    adopted(wsi)
                } else {
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

    /// Stops accepting: lws closes the listening sockets' watches (and the sockets) shortly.
    func stopAccepting() {
        for watch in watches { lws_set_timeout(watch, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC) }
        watches = []
    }
}
