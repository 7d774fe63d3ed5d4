public import ChorusCore
import ChorusSync
import Glibc
public import Logging
import Synchronization

/// The relay's network side: service threads with one libwebsockets context each, sharing
/// one listening port, around one `Hub`.
///
/// Threads: `start` and `stop` are called from the bootstrap thread. The hub is behind a
/// mutex that service threads take briefly per accepted message; batches leave the lock
/// as inbox messages to the service threads that own the recipients, posted in flush
/// order under the lock so every thread sees a room's batches in sequence order.
public final class RelayServer: Sendable {
    /// The configuration the relay started with (`transport.serviceThreads` resolved): read it
    /// only for settings that need a restart (`ChorusSetting.Reload.atRestartOnly`), which a
    /// reload never changes. Run-time settings are each service thread's own copy, handed over
    /// through its mailbox on reload (`RelayServer+Reload.swift`), or `configInForce`.
    public let startConfig: ChorusConfig
    /// The configuration in force, for threads other than the service threads (the drain on
    /// SIGTERM); replaced whole by `reload`.
    let inForce: Locked<ChorusConfig>
    let logger: Logger
    let tagger: any LanguageTagger
    /// Replaced by a reload; read once per console handshake.
    let consoleSecret: Locked<[UInt8]>
    let responder: any HTTPResponder
    /// Every service thread ticks at least this often for housekeeping (heartbeats, statistics,
    /// the write-timeout sweep, resuming paused readers); thread 0 also at each batch deadline.
    /// A tick costs ≈ 37 µs with 19,000 idle connections (most of it inside lws), so ticking
    /// every 5 ms cost 1.1 % of a core at idle (docs/performance.md).
    static let housekeepingNanoseconds: UInt64 = 50_000_000
    /// When thread 0's next tick is due (monotonic ns), for `flushDue(by:from:)`. Written under
    /// the hub lock only, so an ingest either sees the new schedule or is seen by it.
    let flushTimerAt = Atomic<UInt64>(.max)
    /// Set once a console first turns slow mode on anywhere: until then a chat message does not
    /// take the hub lock to read its room's slow mode.
    let slowModeInUse = Atomic<Bool>(false)
    let peerConnections = PeerConnectionTable()
    /// Cluster mode's link to Redis (`RelayServer+Cluster.swift`); nil on a node of its own.
    let clusterBroker = Locked<(any ClusterBroker)?>(nil)

    private let hub: Locked<Hub>
    /// How other threads reach each service thread (by index, the hub's shard number).
    let mailboxes: [ServiceMailbox]
    /// Created by `start`, joined and let go by `stop`.
    private let serviceThreads = Locked<[ServiceThread]>([])
    private let nextConnection = Atomic<UInt64>(1)
    let openConnections = Atomic<Int>(0)
    /// Batches posted to service threads and not yet taken from their inboxes: how far behind
    /// delivery is (the ingress gate's measure).
    let pendingDeliveries = Atomic<Int>(0)
    /// How many configuration reloads were asked for: what threads acknowledge adopting.
    let configGeneration = Atomic<Int>(0)
    /// How many TLS reloads were asked for: names each reload's vhosts.
    let tlsGeneration = Atomic<Int>(0)
    /// The notices catalog and plural rules (`RelayServer+Notices.swift`); nil until installed.
    let notices = Locked<(catalog: NoticeCatalog, rules: any PluralRules)?>(nil)
    private let drainingFlag = Atomic<Bool>(false)
    private let boundPort = Atomic<Int>(0)

    public init(
        config: ChorusConfig, tagger: any LanguageTagger, consoleSecret: [UInt8], responder: any HTTPResponder,
        logger: Logger
    ) {
        var config = config
        if config.transport.serviceThreads == 0 {
            config.transport.serviceThreads = max(1, min(64, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        }
        self.startConfig = config
        self.inForce = Locked(config)
        self.tagger = tagger
        self.consoleSecret = Locked(consoleSecret)
        self.responder = responder
        self.logger = logger
        let hubConfiguration = Hub.Configuration(config, shardCount: config.transport.serviceThreads)
        self.hub = Locked(Hub(configuration: hubConfiguration, now: MonotonicClock.nanoseconds()))
        self.mailboxes = (0..<config.transport.serviceThreads).map { ServiceMailbox(index: $0) }
    }

    /// The port actually listened on (differs from the configured one when that was 0).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    public var isDraining: Bool { drainingFlag.load(ordering: .acquiring) }

    /// Creates every context and starts the service threads; returns once all listen.
    /// `inherited`: listening sockets systemd passed (socket activation); `listen.*` is then
    /// not bound, and every thread serves every inherited socket.
    public func start(inheriting inherited: [Int32] = []) throws(TransportError) {
        let config = startConfig
        LWSLog.install(
            logger: logger, verbose: config.logLevel == "trace" || config.logLevel == "debug",
            linesPerSecond: config.limits.libraryLogLinesPerSecond)
        if !inherited.isEmpty {
            logger.notice(
                "socket activation: serving the sockets systemd passed; listen.host and listen.port are ignored",
                metadata: ["sockets": "\(inherited.count)"])
        }
        var port = inherited.isEmpty ? config.listen.port : 0  // then: the first inherited socket's
        var threads: [ServiceThread] = []
        for mailbox in mailboxes {
            let thread = try ServiceThread(relay: self, mailbox: mailbox, port: port, inherited: inherited)
            if port == 0 { port = thread.listeningPort }
            threads.append(thread)
        }
        boundPort.store(port, ordering: .releasing)
        serviceThreads.withLock { $0 = threads }
        // Every thread holds its own duplicate: the originals would keep accepting into their
        // backlog after the threads stop accepting.
        for descriptor in inherited { close(descriptor) }
        for thread in threads {
            try thread.start()
        }
        logger.info(
            "listening",
            metadata: [
                "address": "\(inherited.isEmpty ? config.listen.host : "systemd's sockets"):\(port)",
                "threads": "\(threads.count)",
                "eventLoop": "\(config.transport.eventLoop.rawValue)",
                "tls": "\(config.tls.isEnabled ? "TLS \(config.tls.minimumVersion.rawValue)+" : "off")",
            ])
    }

    /// Graceful stop: flush every pending batch, then in waves (`shutdown.*`) let each
    /// connection write what it has queued and close it with 1001, then stop the threads.
    /// Waits at most `timeoutSeconds` past the waves' planned end for slow connections before
    /// closing the contexts regardless.
    /// `beforeDrain` runs once every batch is flushed and before connections start closing
    /// (the final counts commit, so its acks reach their viewers).
    public func stop(timeoutSeconds: Double, beforeDrain: () -> Void = {}) {
        drainingFlag.store(true, ordering: .releasing)
        withHub { hub in dispatch(hub.flushAll(now: MonotonicClock.nanoseconds())) }
        beforeDrain()
        drainInWaves(graceNanoseconds: UInt64(timeoutSeconds * 1e9))
        let left = openConnections.load(ordering: .acquiring)
        if left > 0 { logger.warning("closing connections that did not drain in time", metadata: ["count": "\(left)"]) }
        for mailbox in mailboxes { mailbox.post(.stop) }
        let threads = serviceThreads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in threads { thread.join() }
        logger.info("stopped")
    }

    /// Runs `body` with the hub locked. Actions returned by the hub must be dispatched
    /// inside the same call so batches keep their order.
    public func withHub<T>(_ body: (inout Hub) -> T) -> T {
        hub.withLock { body(&$0) }
    }

    /// Counters of every service thread, summed.
    public func statistics() -> TransportStatistics {
        mailboxes.reduce(into: TransportStatistics()) { sum, mailbox in sum.add(mailbox.publishedStatistics()) }
    }

    func makeConnectionID() -> ConnectionID {
        ConnectionID(nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    /// Hands flushed batches to the threads that have members in their rooms. Call with the
    /// hub locked (from inside `withHub`).
    func dispatch(_ actions: [Hub.Action]) {
        for action in actions { dispatch(action) }
    }

    /// Any thread: sends acks whose interactions are now durable, each on its connection's
    /// service thread (a closed connection's ack is dropped there).
    public func deliverAcks(_ acks: [PendingAck]) {
        var perShard = [[PendingAck]](repeating: [], count: mailboxes.count)
        for ack in acks where ack.shard < mailboxes.count { perShard[ack.shard].append(ack) }
        for (shard, owed) in perShard.enumerated() where !owed.isEmpty { mailboxes[shard].post(.acks(owed)) }
    }

    /// A batch became pending and is due at `deadline`: thread 0, which flushes, must tick by
    /// then. Call with the hub locked, from service thread `shard`. True when that is thread 0
    /// itself: it sets its own timer (`TickTimer.fire(by:)`) instead of a trip through its inbox.
    func flushDue(by deadline: UInt64, from shard: Int) -> Bool {
        guard deadline < flushTimerAt.load(ordering: .relaxed) else { return false }
        flushTimerAt.store(deadline, ordering: .relaxed)
        if shard == 0 { return true }
        mailboxes[0].post(.flushBy(deadline))
        return false
    }

    func dispatch(_ action: Hub.Action) {
        switch action {
        case .deliver(let batch, let shards):
            pendingDeliveries.add(shards.count, ordering: .relaxed)
            for shard in shards { mailboxes[shard].post(.deliver(batch)) }
        case .publish(let outgoing):
            clusterBroker.withLock { $0 }?.publish(outgoing)
        case .unfollow(let room):
            clusterBroker.withLock { $0 }?.unfollow(room: room)
        }
    }

    func authenticate(token: String) throws(ConsoleToken.ValidationError) -> ConsoleToken {
        try ConsoleToken.validate(
            token, secret: consoleSecret.withLock { $0 }, nowSeconds: WallClock.seconds(), authenticator: HMAC.sha256)
    }
}
