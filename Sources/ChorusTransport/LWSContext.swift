import CChorusLWS
import CLibWebSockets
import ChorusCore

/// What an lws context is created from and must outlive it: the protocol table, the retry
/// policy, the C strings lws keeps pointers to, and the libev loop when there is one. Freed
/// by `deinit`, after the service thread has destroyed the context.
final class LWSContext {
    let protocols: UnsafeMutablePointer<lws_protocols>
    let retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>
    /// The vhost's name and the protocols' names: lws keeps the pointers, not copies.
    private let names: [UnsafeMutablePointer<CChar>]
    private let vhostName: UnsafeMutablePointer<CChar>
    /// The TLS settings' C strings (files, ciphers, ALPN), when TLS is on.
    let tlsStrings: [UnsafeMutablePointer<CChar>]
    /// Names of the vhosts made by TLS reloads (lws keeps the pointers).
    var reloadNames: [UnsafeMutablePointer<CChar>] = []
    /// The libev loop this thread runs, when `transport.eventLoop` is libev.
    let eventLoop: UnsafeMutableRawPointer?
    private let foreignLoops: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    let config: ChorusConfig

    init(config: ChorusConfig) {
        self.config = config
        (protocols, names) = Self.makeProtocols(config)
        vhostName = Self.cString("chorus")
        tlsStrings =
            config.tls.isEnabled
            ? [
                config.tls.certificateFile, config.tls.privateKeyFile, TLSPolicy.tls12Ciphers, TLSPolicy.tls13Suites,
                TLSPolicy.alpn,
            ].map(Self.cString) : []
        retryPolicy = .allocate(capacity: 1)
        // No ping and no hangup: lws's validity timers are off (they are inserted into one sorted
        // list per thread by walking it); `HeartbeatDriver` pings instead.
        retryPolicy.initialize(to: lws_retry_bo_t())
        switch config.transport.eventLoop {
        case .poll:
            eventLoop = nil
            foreignLoops = nil
        case .libev:
            let loop = chorus_ev_loop_new()
            eventLoop = loop
            let loops = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
            loops.initialize(to: loop)
            foreignLoops = loops
        }
    }

    deinit {
        protocols.deallocate()
        retryPolicy.deallocate()
        foreignLoops?.deallocate()
        for name in names { name.deallocate() }
        vhostName.deallocate()
        for string in tlsStrings + reloadNames { string.deallocate() }
        if let eventLoop { chorus_ev_loop_destroy(eventLoop) }
    }

    /// Creates the context (lws listens nowhere itself: the thread's `Acceptor` does) and
    /// returns it with its vhost. `user` is what `lws_context_user` gives back in callbacks.
    func create(user: UnsafeMutableRawPointer, port: Int) throws(TransportError) -> (
        context: OpaquePointer, vhost: OpaquePointer?
    ) {
        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN_SERVER
        info.protocols = UnsafePointer(protocols)
        info.user = user
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        info.timeout_secs = 10
        // A connection holds a header table from its first byte until its request is complete:
        // this closes it if the request is not complete in time (slowloris, partial requests).
        info.timeout_secs_ah_idle = UInt32(config.limits.handshakeTimeoutSeconds)
        // Each connection whose request is being read holds a header table of this size (freed
        // once the request is read); lws closes a request whose head does not fit, unanswered.
        info.max_http_header_data = UInt16(config.limits.maxRequestHeadBytes)
        // The thread's read buffer; lws never reads more than this at once, whatever the protocol.
        info.pt_serv_buf_size = UInt32(max(4096, config.transport.ingestReceiveBufferBytes))
        info.count_threads = 1
        info.vhost_name = UnsafePointer(vhostName)
        // No LWS_SERVER_OPTION_VALIDATE_UTF8: with it lws also checks close reasons and drops
        // TCP without a close frame when one is not UTF-8; ReceivePath and FrameRules check
        // text frames (1007) and close frames themselves.
        var options: UInt64 = 0
        if let foreignLoops {
            options |= UInt64(LWS_SERVER_OPTION_LIBEV)
            info.foreign_loops = foreignLoops
        }
        if tlsStrings.count == 5 {
            // Accepted sockets are adopted with LWS_ADOPT_ALLOW_SSL, so they all speak TLS.
            options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
            setTLS(&info)
        }
        info.options = options
        guard let context = lws_create_context(&info) else {
            throw .contextCreationFailed(
                host: config.listen.host, port: port, eventLoop: config.transport.eventLoop.rawValue)
        }
        return (context, lws_get_vhost_by_name(context, vhostName))
    }
}
