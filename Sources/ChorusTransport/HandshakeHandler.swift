import CLibWebSockets
import ChorusCore

/// A WebSocket's life at its two ends on its service thread: when it is established, the
/// connection limits, then the upgrade checked by the core (`ViewerRequest`,
/// `ConsoleRequest`), the room joins and the welcome; when it closes, everything it held.
final class HandshakeHandler {
    unowned(unsafe) let relay: RelayServer
    /// The service thread's index: its shard number in the hub.
    let shardIndex: Int
    private let connections: ConnectionTable
    /// Internal, not private: `HandshakeHandler+Resume.swift` queues through it.
    let writePath: WritePath
    private let limits: LimitEnforcer
    private let heartbeat: HeartbeatDriver
    private let statistics: ThreadStatistics
    /// Run-time settings, this thread's copy (`adopt`).
    private var maxConnections: Int
    /// The batch settings welcomes announce.
    private var batchSettings: ServerFrames.BatchSettings

    init(
        config: ChorusConfig, relay: RelayServer, shardIndex: Int, connections: ConnectionTable, writePath: WritePath,
        limits: LimitEnforcer, heartbeat: HeartbeatDriver, statistics: ThreadStatistics
    ) {
        self.relay = relay
        self.shardIndex = shardIndex
        self.connections = connections
        self.writePath = writePath
        self.limits = limits
        self.heartbeat = heartbeat
        self.statistics = statistics
        maxConnections = config.limits.maxConnections
        batchSettings = ServerFrames.BatchSettings(config.batch)
    }

    /// A reload: applies to connections established from now on.
    func adopt(_ config: ChorusConfig) {
        maxConnections = config.limits.maxConnections
        batchSettings = ServerFrames.BatchSettings(config.batch)
    }

    /// LWS_CALLBACK_ESTABLISHED: the connection gets its ID (stored as the wsi's user pointer).
    func established(_ wsi: OpaquePointer) {
        let id = relay.makeConnectionID()
        // The connection's ID is the wsi's user pointer itself: nothing to allocate per
        // connection (lws frees no user pointer it did not allocate).
        lws_set_wsi_user(wsi, UnsafeMutableRawPointer(bitPattern: UInt(id.raw)))
        let connection = Connection(wsi: wsi)
        connections.insert(connection, as: id)
        heartbeat.add(id, now: MonotonicClock.nanoseconds())
        establish(id, connection)
    }

    /// Checks the limits and the request, joins the room(s), sends the welcome.
    private func establish(_ id: ConnectionID, _ connection: Connection) {
        let open = relay.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        connection.counted = true
        if relay.isDraining || writePath.draining {
            return writePath.requestClose(
                id, code: CloseCode.goingAway, reason: "server shutting down", why: .shutdown)
        }
        guard open <= maxConnections else {
            return writePath.requestClose(
                id, code: CloseCode.tryAgainLater, reason: "connection limit reached", why: .connectionLimit)
        }
        guard limits.admitPeer(connection) else {
            return writePath.requestClose(
                id, code: CloseCode.tooManyFromAddress, reason: "too many connections from your address",
                why: .addressLimit)
        }
        let upgrade = UpgradeRequest(wsi: connection.wsi)
        switch upgrade.path {
        case ViewerRequest.path: establishViewer(id, connection, upgrade)
        case ConsoleRequest.path: establishConsole(id, connection, upgrade)
        default: writePath.requestClose(id, .unknownEndpoint(upgrade.path))
        }
    }

    private func establishViewer(_ id: ConnectionID, _ connection: Connection, _ upgrade: UpgradeRequest) {
        let request: ViewerRequest
        do {
            request = try ViewerRequest(upgrade, connection: id)
        } catch {
            return writePath.requestClose(id, error)
        }
        switch request.region {
        case .assigned: break
        case .unassigned: statistics.current.unknownRegions[.unassigned, default: 0] += 1
        case .missing: statistics.current.unknownRegions[.missing, default: 0] += 1
        }
        let room = request.room
        guard relay.syncClusterRoom(room, mayOpen: false) else {
            return writePath.requestClose(
                id, code: CloseCode.tryAgainLater, reason: "cluster unavailable", why: .clusterUnavailable)
        }
        let now = MonotonicClock.nanoseconds()
        let (outcome, resume) = relay.withHub { hub in
            let outcome = hub.join(room: room, role: .viewer, shard: shardIndex, mayOpen: false, now: now)
            return (outcome, request.since.map { hub.resume(room: room, after: $0) })
        }
        guard case .joined(let seq) = outcome else {
            return writePath.requestClose(id, code: CloseCode.unknownRoom, reason: "unknown room", why: .unknownRoom)
        }
        connection.identity = .viewer(request.author)
        statistics.current.viewers += 1
        writePath.shard.add(id, role: .viewer)
        writePath.shard.join(id, room: room, after: seq)
        writePath.shard.setLanguages(id, request.languages.isEmpty ? nil : Set(request.languages))
        writePath.shard.setFeed(id, request.feed)
        writePath.send(
            ServerFrames.viewerWelcome(
                room: room, seq: resumePoint(resume, since: request.since, live: seq), author: request.author,
                languages: request.languages, feed: request.feed, batch: batchSettings,
                notice: writePath.localize(Notice(.welcome, strings: ["room": room]), for: id),
                noticeLocale: relay.noticeLocale(declared: request.author.locale)),
            to: id)
        replay(resume, room: room, to: id)
    }

    private func establishConsole(_ id: ConnectionID, _ connection: Connection, _ upgrade: UpgradeRequest) {
        let request: ConsoleRequest
        do {
            request = try ConsoleRequest(
                upgrade,
                authenticate: { [relay] token throws(ConsoleToken.ValidationError) in
                    try relay.authenticate(token: token)
                })
        } catch {
            return writePath.requestClose(id, error)
        }
        connection.identity = .console(ConsoleSession(token: request.token, locale: request.locale))
        statistics.current.consoles += 1
        writePath.shard.add(id, role: .console)
        writePath.shard.setLanguages(id, request.languages.isEmpty ? nil : Set(request.languages))
        var joined: [(room: String, seq: UInt64)] = []
        var resumes: [(room: String, Hub.ResumeOutcome?)] = []
        for room in request.joinOrder {
            let since = request.since[room]
            let (outcome, resume) = joinConsole(id, room: room, since: since)
            if case .joined(let seq) = outcome {
                joined.append((room, resumePoint(resume, since: since, live: seq)))
                resumes.append((room, resume))
            }
        }
        writePath.send(
            ServerFrames.consoleWelcome(
                rooms: joined, languages: request.languages.sorted(), batch: batchSettings,
                noticeLocale: relay.noticeLocale(declared: request.locale)),
            to: id)
        for (room, resume) in resumes { replay(resume, room: room, to: id) }
    }

    /// Consoles are authorised by their token, so they may open a room that is not there yet.
    /// With `since`, the join and the resume plan happen in one hub access, so the plan ends
    /// exactly where the live batches start.
    func joinConsole(_ id: ConnectionID, room: String, since: UInt64? = nil) -> (Hub.JoinOutcome, Hub.ResumeOutcome?) {
        // A room this node cannot sync (Redis down) is left out of the console's welcome.
        guard relay.syncClusterRoom(room, mayOpen: true) else { return (.unknownRoom, nil) }
        let now = MonotonicClock.nanoseconds()
        let (outcome, resume) = relay.withHub { hub in
            let outcome = hub.join(room: room, role: .console, shard: shardIndex, mayOpen: true, now: now)
            return (outcome, since.map { hub.resume(room: room, after: $0) })
        }
        if case .joined(let seq) = outcome { writePath.shard.join(id, room: room, after: seq) }
        return (outcome, resume)
    }

    /// LWS_CALLBACK_CLOSED: forgets the connection and gives back what it held (its address's
    /// count, its place in the rooms).
    func closed(_ id: ConnectionID) {
        guard let connection = connections.remove(id) else { return }
        if let peer = connection.peer { relay.peerConnections.release(peer) }
        if connection.counted {
            relay.openConnections.subtract(1, ordering: .relaxed)
            switch connection.role {
            case .viewer: statistics.current.viewers -= 1
            case .console: statistics.current.consoles -= 1
            case nil: break
            }
        }
        guard let (role, rooms) = writePath.shard.remove(id) else { return }
        let now = MonotonicClock.nanoseconds()
        relay.withHub { hub in
            for room in rooms { hub.leave(room: room, role: role, shard: shardIndex, now: now) }
        }
    }
}
