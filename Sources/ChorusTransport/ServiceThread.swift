import CChorusLWS
import CLibWebSockets
import ChorusCore
import ChorusSync
import Glibc

/// One libwebsockets context and the thread that services it: the glue between lws's
/// callbacks, its timer and the thread's inbox on one side, and the thread's components on
/// the other (`ServiceThread+Callbacks.swift`, `ServiceThread+Tick.swift`).
///
/// Threads: a service thread and everything it holds (connections, shard, `struct lws *`
/// pointers) are touched only by that thread, checked in debug builds (`ThreadOwner`). Other
/// threads reach it only through its `ServiceMailbox`.
final class ServiceThread: @unchecked Sendable {
    let index: Int
    unowned(unsafe) let relay: RelayServer
    let mailbox: ServiceMailbox
    let owner = ThreadOwner()
    let statistics = ThreadStatistics()
    let connections: ConnectionTable
    let writePath: WritePath
    let heartbeat: HeartbeatDriver
    let limits: LimitEnforcer
    let handshake: HandshakeHandler
    let receivePath: ReceivePath
    let http: HTTPRoutes
    let surface: HTTPSurface
    let acceptor: Acceptor
    let timer = TickTimer()
    let lws: LWSContext
    /// Created in `init`, destroyed by the thread when its loop ends.
    private(set) var context: OpaquePointer?
    /// Where accepted connections are adopted; a TLS reload replaces it (`+TLS`).
    var vhost: OpaquePointer?
    private var thread: JoinableThread?
    var stopping = false
    var lastWriteSweep: UInt64 = 0
    var lastConsoleStats: UInt64 = 0
    /// Run-time settings the tick reads, this thread's copy (`ServiceThread+Reload.swift`).
    var consoleStatsNanoseconds: UInt64
    /// Least time between two ticks of thread 0 (a tenth of the batch window, 1–10 ms), so a
    /// batch that cannot leave yet (its numbers' reservation is not stored) is not polled in a
    /// loop.
    var minimumTickNanoseconds: UInt64

    /// The port this thread's listening socket is bound to.
    var listeningPort: Int { acceptor.port }

    /// Binds the listening socket (`port` 0: any free one), or adopts the `inherited` ones
    /// (socket activation), and creates the lws context;
    /// the thread starts with `start`.
    init(relay: RelayServer, mailbox: ServiceMailbox, port: Int, inherited: [Int32]) throws(TransportError) {
        // What is in force when the thread is made (at start, the start's configuration).
        let config = relay.configInForce
        index = mailbox.index
        self.relay = relay
        self.mailbox = mailbox
        connections = ConnectionTable(owner: owner)
        consoleStatsNanoseconds = Self.consoleStatsNanoseconds(config)
        minimumTickNanoseconds = Self.minimumTickNanoseconds(config)
        writePath = WritePath(config: config, relay: relay, connections: connections, statistics: statistics)
        heartbeat = HeartbeatDriver(
            intervalSeconds: config.transport.pingIntervalSeconds, connections: connections, writePath: writePath,
            statistics: statistics)
        limits = LimitEnforcer(
            config: config, relay: relay, connections: connections, writePath: writePath, statistics: statistics)
        handshake = HandshakeHandler(
            config: config, relay: relay, shardIndex: mailbox.index, connections: connections, writePath: writePath,
            limits: limits, heartbeat: heartbeat, statistics: statistics)
        receivePath = ReceivePath(
            config: config, relay: relay, shardIndex: mailbox.index, connections: connections, writePath: writePath,
            limits: limits, handshake: handshake, timer: timer, statistics: statistics)
        http = HTTPRoutes(relay: relay)
        surface = HTTPSurface(statistics: statistics)
        acceptor = try Acceptor(relay: relay, port: port, inherited: inherited)
        lws = LWSContext(config: config)

        let user = Unmanaged.passUnretained(self).toOpaque()
        let (context, vhost) = try lws.create(user: user, port: port)
        self.context = context
        self.vhost = vhost
        try timer.attach(to: context, owner: user, fired: serviceTimerFired)
        try acceptor.watch(in: vhost, index: index)
        // Last: a context that `deinit` destroys after a failure above must not be woken.
        mailbox.attach(context)
    }

    deinit {
        // Only when `init` failed after creating it; otherwise `run` destroyed it.
        if let context { lws_context_destroy(context) }
    }

    func start() throws(TransportError) {
        // The thread holds the service thread until `run` returns.
        guard let thread = JoinableThread.start({ self.run() }) else { throw .threadStartFailed(index: index) }
        self.thread = thread
    }

    func join() {
        thread?.join()
        thread = nil
    }

    private func run() {
        owner.claim()
        // Named so per-thread CPU can be read from /proc/PID/task/*/comm (bench, top -H).
        chorus_set_thread_name("chorus-svc-\(index)")
        timer.schedule(at: MonotonicClock.nanoseconds() &+ RelayServer.housekeepingNanoseconds)
        if let eventLoop = lws.eventLoop {
            while !stopping { chorus_ev_run_once(eventLoop) }
        } else {
            while !stopping {
                if lws_service(context, 0) < 0 { break }
            }
        }
        mailbox.attach(nil)
        lws_context_destroy(context)
        context = nil
    }

    /// Work posted by other threads, woken by `lws_cancel_service` (EVENT_WAIT_CANCELLED).
    func drainInbox() {
        for message in mailbox.takeAll() {
            switch message {
            case .deliver(let batch):
                relay.pendingDeliveries.subtract(1, ordering: .relaxed)
                writePath.deliver(batch)
            case .flushBy(let deadline):
                timer.fire(by: deadline)
            case .slowMode(let room, let seconds):
                writePath.sendSlowMode(room: room, seconds: seconds)
            case .acks(let acks):
                writePath.sendAcks(acks)
            case .drain(let count):
                acceptor.stopAccepting()
                writePath.drain(upTo: count)
            case .stop:
                stopping = true
                publishStatistics()
            case .reloadTLS(let generation):
                reloadTLS(generation: generation)
            case .reconfigure(let config, let generation):
                adopt(config)
                mailbox.noteAdopted(generation: generation)
            #if DEBUG
                case .stallForTest(let seconds):
                    usleep(UInt32(seconds * 1_000_000))
            #endif
            }
        }
    }

    func publishStatistics() {
        statistics.current.shard = writePath.shard.statistics
        statistics.current.ingressPauses = limits.ingress.pauses
        statistics.current.pausedReaders = limits.ingress.pausedCount
        mailbox.publish(statistics.current)
    }
}
