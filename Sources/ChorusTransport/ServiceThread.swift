import CChorusLWS
import CLibWebSockets
import ChorusCore
import Glibc

/// One libwebsockets context and the thread that services it.
///
/// Threads: everything below `// service-thread state` is touched only by this thread
/// (inside lws callbacks). Other threads may only `post` to the inbox, which wakes the
/// loop with `lws_cancel_service` — the one lws call that is safe from another thread —
/// and read `publishedStatistics()`.
final class ServiceThread: @unchecked Sendable {
    enum Message: Sendable {
        case deliver(RoomBatch)
        /// Tell every local member of the room that its slow mode changed, each in its language.
        case slowMode(room: String, seconds: Int)
        /// Send these acks: their interactions are stored.
        case acks([PendingAck])
        /// A batch is due at this moment (monotonic ns): tick by then (thread 0).
        case flushBy(UInt64)
        /// Close every connection with 1001 once its queue is written.
        case drain
        case stop
    }

    let index: Int
    let inbox = Inbox<Message>()
    private let statisticsSlot = Locked(TransportStatistics())
    /// Written before the thread starts, then only read.
    private(set) var context: OpaquePointer?
    private(set) var listeningPort = 0
    private var pthread: pthread_t?

    // service-thread state
    unowned(unsafe) var relay: RelayServer!
    var shard: Shard<LWSFrame>!
    var connections: [ConnectionID: Connection] = [:]
    /// Consoles' tokens, kept apart so viewers' connection entries stay small.
    var consoleTokens: [ConnectionID: ConsoleToken] = [:]
    /// Consoles' `locale` argument (viewers' is their author's locale), apart for the same reason.
    var consoleLocales: [ConnectionID: String] = [:]
    var statistics = TransportStatistics()
    var stopping = false
    var lastWriteSweep: UInt64 = 0
    var lastConsoleStats: UInt64 = 0
    /// Pauses reading while the service threads are behind on deliveries.
    var ingress = IngressGate(highWatermark: 0)
    /// Connections whose reading `ingress` paused, to resume together.
    var pausedReaders: [ConnectionID] = []
    var draining = false
    /// When each connection is next checked for liveness (`ServiceThread+Heartbeat.swift`).
    var heartbeat = HeartbeatSchedule(intervalNanoseconds: 30_000_000_000)
    /// The ping written to every connection (lws frames it in the headroom). Not empty: lws
    /// 4.1 reports no `LWS_CALLBACK_RECEIVE_PONG` for a pong without payload, and the pong
    /// echoes the ping's.
    let pingFrame = LWSFrame(Array("chorus".utf8))
    var tickTimer: UnsafeMutableRawPointer?
    /// When the tick timer is due next (monotonic ns).
    var tickAt: UInt64 = .max
    private var protocols: UnsafeMutablePointer<lws_protocols>?
    private var retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>?
    private var listener: ListenSocket?
    private var listenerWatch: OpaquePointer?
    /// Kept open to be given up when the process runs out of descriptors, so a pending
    /// connection can still be accepted and closed instead of spinning on it.
    private var spareDescriptor: Int32 = -1
    var vhost: OpaquePointer?
    /// The libev loop this thread runs, when `transport.eventLoop` is libev.
    private var eventLoop: UnsafeMutableRawPointer?
    private var foreignLoops: UnsafeMutablePointer<UnsafeMutableRawPointer?>?

    init(index: Int) {
        self.index = index
    }

    deinit {
        protocols?.deallocate()
        retryPolicy?.deallocate()
        tickTimer?.deallocate()
        foreignLoops?.deallocate()
    }

    func createContext(relay: RelayServer, port: Int) throws(TransportError) {
        self.relay = relay
        let config = relay.config
        shard = Shard(
            budgets: .init(
                viewerBytes: config.limits.viewerQueueBytes, consoleBytes: config.limits.consoleQueueBytes,
                viewerCommerceBytes: config.limits.viewerCommerceBytes))
        ingress = IngressGate(highWatermark: config.transport.ingressHighWatermark)

        protocols = Self.makeProtocols(config)

        retryPolicy = .allocate(capacity: 1)
        retryPolicy!.initialize(to: lws_retry_bo_t())
        // No ping and no hangup: lws's validity timers are off (they are inserted into one sorted
        // list per thread by walking it); `HeartbeatSchedule` pings instead.
        heartbeat = HeartbeatSchedule(
            intervalNanoseconds: UInt64(config.transport.pingIntervalSeconds) * 1_000_000_000)

        listener = try ListenSocket(host: config.listen.host, port: port)
        listeningPort = listener!.port
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)

        var info = lws_context_creation_info()
        // lws listens nowhere itself: this thread accepts on its own SO_REUSEPORT socket.
        info.port = CONTEXT_PORT_NO_LISTEN_SERVER
        info.protocols = UnsafePointer(protocols)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        info.timeout_secs = 10
        // The thread's read buffer; lws never reads more than this at once, whatever the protocol.
        info.pt_serv_buf_size = UInt32(max(4096, config.transport.ingestReceiveBufferBytes))
        info.count_threads = 1
        info.vhost_name = UnsafePointer(strdup("chorus"))
        var options = UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8)
        switch config.transport.eventLoop {
        case .poll: break
        case .libev:
            options |= UInt64(LWS_SERVER_OPTION_LIBEV)
            eventLoop = chorus_ev_loop_new()
            foreignLoops = .allocate(capacity: 1)
            foreignLoops!.initialize(to: eventLoop)
            info.foreign_loops = foreignLoops
        }
        info.options = options
        guard let created = lws_create_context(&info) else {
            throw .contextCreationFailed(
                host: config.listen.host, port: port, eventLoop: config.transport.eventLoop.rawValue)
        }
        context = created
        vhost = lws_get_vhost_by_name(created, "chorus")
        var descriptor = lws_sock_file_fd_type()
        descriptor.filefd = listener!.descriptor
        // Watched as a raw file: lws reports it readable (RAW_RX_FILE) and this thread accepts.
        listenerWatch = lws_adopt_descriptor_vhost(vhost, LWS_ADOPT_RAW_FILE_DESC, descriptor, "chorus.v1", nil)
        guard listenerWatch != nil else { throw .adoptFailed(index: index) }
    }

    /// Accepts what is pending on this thread's listening socket and hands each connection
    /// to lws as if its own listener had accepted it.
    func acceptPending() {
        guard let listener else { return }
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
        if let listenerWatch { lws_set_timeout(listenerWatch, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC) }
        listenerWatch = nil
    }

    func start() throws(TransportError) {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                let service = Unmanaged<ServiceThread>.fromOpaque(raw!).takeRetainedValue()
                service.run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<ServiceThread>.fromOpaque(box).release()
            throw .threadStartFailed(index: index)
        }
        pthread = thread
    }

    func join() {
        if let pthread { pthread_join(pthread, nil) }
        pthread = nil
    }

    /// Any thread: queue work and wake the service loop if it may be sleeping.
    func post(_ message: Message) {
        if inbox.post(message), let context { lws_cancel_service(context) }
    }

    func publishedStatistics() -> TransportStatistics {
        statisticsSlot.withLock { $0 }
    }

    private func run() {
        // Named so per-thread CPU can be read from /proc/PID/task/*/comm (bench, top -H).
        chorus_set_thread_name("chorus-svc-\(index)")
        scheduleTick(at: MonotonicClock.nanoseconds() &+ RelayServer.housekeepingNanoseconds)
        if let eventLoop {
            while !stopping { chorus_ev_run_once(eventLoop) }
        } else {
            while !stopping {
                if lws_service(context, 0) < 0 { break }
            }
        }
        lws_context_destroy(context)
        context = nil
        if spareDescriptor >= 0 { close(spareDescriptor) }
        if let eventLoop { chorus_ev_loop_destroy(eventLoop) }
    }

    func publishStatistics() {
        statistics.shard = shard.statistics
        statistics.ingressPauses = ingress.pauses
        statistics.pausedReaders = ingress.pausedCount
        let snapshot = statistics
        statisticsSlot.withLock { $0 = snapshot }
    }
}
