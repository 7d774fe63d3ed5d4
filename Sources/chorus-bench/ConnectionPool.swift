import Glibc

/// Every connection of one bench process, opened at a bounded pace and driven by one loop.
///
/// Opening thousands of sockets at once overflows the server's accept backlog and turns the
/// connect phase into a SYN-retry benchmark, so at most `concurrency` upgrades are in flight.
/// The pool sits between the connections and the scenario: it counts opens and failures for the
/// reports and forwards everything else.
final class ConnectionPool: WebSocketEventHandler {
    struct Options {
        var concurrency = 256
        var connectTimeoutNanoseconds: UInt64 = 10_000_000_000
        var sourceFirst = 1
        var sourceCount = 1
        /// Poll with a zero timeout instead of sleeping in `epoll_wait` (`--spin`).
        var spins = false
        /// Bind explicitly only when spreading over several addresses or not starting at .1.
        var bindsSource: Bool { sourceCount > 1 || sourceFirst != 1 }
    }

    let loop: EventLoop
    let endpoint: LoopbackEndpoint
    /// Every server a connection may go to (`add(…, endpoint:)`); `endpoint` is the first.
    let endpoints: [LoopbackEndpoint]
    private let options: Options
    private unowned let delegate: any WebSocketEventHandler
    private let scratch: UnsafeMutableRawBufferPointer
    private(set) var connections: [WebSocketClientConnection?] = []
    private var queued: [(id: Int, tag: Int, path: String, subprotocol: String?, endpoint: Int)] = []
    private var queueHead = 0
    private var inFlight: Set<Int> = []
    private var released: [Int] = []
    private var lastTimeoutCheck: UInt64 = 0

    /// Upgrades completed so far.
    private(set) var openedCount = 0
    /// Connections that never completed the upgrade, by reason.
    private(set) var failures: [String: Int] = [:]
    /// Connections that were open and then ended, by reason.
    private(set) var closes: [String: Int] = [:]
    /// What the first wss:// connection negotiated (nil for ws://).
    private(set) var tlsInfo: TLSSessionInfo?

    init(
        endpoint: LoopbackEndpoint, others: [LoopbackEndpoint] = [], options: Options,
        delegate: any WebSocketEventHandler
    ) throws(BenchError) {
        loop = try EventLoop()
        self.endpoint = endpoint
        endpoints = [endpoint] + others
        self.options = options
        self.delegate = delegate
        scratch = .allocate(byteCount: 1 << 20, alignment: 64)
    }

    deinit { scratch.deallocate() }

    /// Queues a connection to `path` on `endpoints[endpoint]`, asking for `subprotocol` if
    /// given; returns its id (also its index in `connections`).
    @discardableResult
    func add(tag: Int, path: String, subprotocol: String? = nil, endpoint: Int = 0) -> Int {
        let id = connections.count
        connections.append(nil)
        queued.append((id, tag, path, subprotocol, endpoint % endpoints.count))
        return id
    }

    var failedCount: Int { failures.values.reduce(0, +) }
    var closedCount: Int { closes.values.reduce(0, +) }
    /// Connections queued or connecting, not yet upgraded or failed.
    var busyCount: Int { queuedCount + inFlight.count }
    /// Connections added but not started (all `concurrency` slots busy).
    var queuedCount: Int { queued.count - queueHead }
    /// True once every queued connection has opened or failed.
    var isSettled: Bool { queueHead == queued.count && inFlight.isEmpty }

    /// Starts queued connects, waits for readiness up to `timeoutMs` and handles it.
    func pump(timeoutMs: Int32) {
        let now = MonotonicClock.now()
        startQueued(now: now)
        if now &- lastTimeoutCheck > 250_000_000 {
            lastTimeoutCheck = now
            expireStalled(now: now)
        }
        let scratch = self.scratch
        loop.poll(timeoutMs: options.spins ? 0 : timeoutMs) { token, events in
            let received = MonotonicClock.now()
            self.connections[Int(token)]?.handle(events: events, scratch: scratch, now: received)
        }
        for id in released { connections[id] = nil }
        released.removeAll(keepingCapacity: true)
    }

    /// Pumps until `end`, or sooner once `isDone()` (settling, draining, waiting for acks).
    func pump(until end: UInt64, orUntil isDone: () -> Bool = { false }) {
        while MonotonicClock.now() < end && !isDone() { pump(timeoutMs: 5) }
    }

    /// Why a run must stop now (Ctrl-C, or its hard `deadline` passed); nil to go on.
    func stopReason(deadline: UInt64) -> String? {
        if loop.interrupted { return "interrupted (SIGINT/SIGTERM)" }
        if MonotonicClock.now() >= deadline { return "hard deadline (--max-seconds) reached" }
        return nil
    }

    /// Closes every connection still open (end of run).
    func closeAll() {
        for case let connection? in connections { connection.close(reason: "bench finished") }
        for id in released { connections[id] = nil }
        released.removeAll()
    }

    private func startQueued(now: UInt64) {
        while queueHead < queued.count && inFlight.count < options.concurrency {
            let request = queued[queueHead]
            queueHead += 1
            let source =
                options.bindsSource
                ? LoopbackEndpoint.sourceAddress(
                    index: request.id, first: options.sourceFirst, count: options.sourceCount)
                : nil
            do {
                connections[request.id] = try WebSocketClientConnection(
                    id: request.id, tag: request.tag, endpoint: endpoints[request.endpoint], source: source,
                    path: request.path, subprotocol: request.subprotocol, loop: loop, handler: self, now: now)
                inFlight.insert(request.id)
            } catch {
                failures[error.description, default: 0] += 1
            }
        }
    }

    private func expireStalled(now: UInt64) {
        let stalled = inFlight.filter { id in
            guard let connection = connections[id] else { return true }
            return now &- connection.startedAt > options.connectTimeoutNanoseconds
        }
        for id in stalled {
            connections[id]?.close(reason: "timeout before upgrade")
            inFlight.remove(id)
        }
    }

    func connectionDidOpen(_ connection: WebSocketClientConnection, at now: UInt64) {
        inFlight.remove(connection.id)
        openedCount += 1
        if tlsInfo == nil { tlsInfo = connection.tlsInfo }
        delegate.connectionDidOpen(connection, at: now)
    }

    func connection(
        _ connection: WebSocketClientConnection, didReceive payload: UnsafeRawBufferPointer,
        at now: UInt64
    ) {
        delegate.connection(connection, didReceive: payload, at: now)
    }

    func connectionDidClose(_ connection: WebSocketClientConnection, reason: CloseReason) {
        inFlight.remove(connection.id)
        released.append(connection.id)
        if reason.wasOpen {
            closes[reason.text, default: 0] += 1
        } else {
            failures[reason.text, default: 0] += 1
        }
        delegate.connectionDidClose(connection, reason: reason)
    }
}
