/// The rooms of one node: sequence numbers, batching, membership and counts.
///
/// A sans-I/O state machine: callers pass the time in and carry out the returned actions.
/// The transport keeps one `Hub` behind a lock shared by every service thread; the work
/// done here per message is small (append, count) so the lock is held briefly, while
/// parsing and language tagging happen before it on the calling thread.
public struct Hub: Sendable {
    public enum Action: Sendable {
        /// Hand this batch to the listed shards, in order with every earlier batch.
        case deliver(RoomBatch, shards: [Int])
        /// Cluster mode: have Redis number, store and publish this batch (`Hub+Cluster.swift`).
        case publish(ClusterOutgoing)
        /// Cluster mode: the room closed here (idle); stop following it in Redis.
        case unfollow(String)
    }

    public enum JoinOutcome: Sendable, Equatable {
        /// Joined; the first batch this member receives starts at `seq + 1`.
        case joined(seq: UInt64)
        case unknownRoom
    }

    /// Changed only by `reconfigure` (SIGHUP), and only in what can change while rooms are open.
    public internal(set) var configuration: Configuration
    /// Internal, not private: the `Hub+…` extensions in other files work on it.
    var rooms: [String: Room] = [:]
    public internal(set) var totals = InteractionCounters()
    public internal(set) var resumeStatistics = ResumeStatistics()
    /// What the next group commit writes (with `durableCounting`).
    var pendingCommit = CommitBatch()
    /// Counts of rooms not open now (restored at start-up, or closed while idle), given back
    /// to the room when it opens again so its stats continue.
    var archivedCounters: [String: InteractionCounters] = [:]
    /// Per-minute counts of rooms not open now, kept like `archivedCounters` (one small entry
    /// per show ever counted; not pruned).
    var archivedSeries: [String: MinuteSeries] = [:]
    /// Per-minute counts of the whole node.
    public internal(set) var totalSeries: MinuteSeries
    /// Where rooms that are not open stand in their sequences (`Hub+Sequences.swift`).
    var archivedSequences: [String: SequenceMark] = [:]
    /// Batches broadcast before their numbers' reservation was stored (`sequenceHoldNanoseconds`).
    public internal(set) var sequenceHoldOverrides: UInt64 = 0
    /// Recently accepted idempotency keys (`Hub+Idempotency.swift`).
    var idempotency: IdempotencyWindow
    /// Rooms with slow mode on (`Hub+SlowMode.swift`), for metrics.
    public internal(set) var slowModeRoomCount = 0
    public internal(set) var batchesFlushed: UInt64 = 0
    /// Batches copied out of a pending buffer much larger than they are (each message retained
    /// and released); a steady room's buffer is handed over instead.
    private(set) var batchesCopied: UInt64 = 0

    public init(configuration: Configuration, now: UInt64) {
        self.configuration = configuration
        totalSeries = MinuteSeries(capacity: configuration.seriesMinutes)
        idempotency = IdempotencyWindow(
            windowMs: configuration.idempotencyWindowMs, capacity: configuration.idempotencyCapacity)
        for name in configuration.staticRooms {
            rooms[name] = makeRoom(name, isStatic: true, now: now)
        }
    }

    mutating func makeRoom(_ name: String, isStatic: Bool, now: UInt64) -> Room {
        var room = Room(
            name: name, isStatic: isStatic, shardCount: configuration.shardCount, now: now,
            history: RoomHistory(
                maxMessages: configuration.historyMessages, maxAgeNanoseconds: configuration.historyNanoseconds),
            series: MinuteSeries(capacity: configuration.seriesMinutes), publishesToCluster: configuration.clusterMode)
        if let counters = archivedCounters.removeValue(forKey: name) { room.counters = counters }
        if let series = archivedSeries.removeValue(forKey: name) { room.series = series }
        if let mark = archivedSequences.removeValue(forKey: name) {
            mark.apply(to: &room)
        } else if configuration.sequenceBlock > 0 {
            room.durableThrough = 0
        }
        return room
    }

    public var roomCount: Int { rooms.count }

    public func roomExists(_ name: String) -> Bool { rooms[name] != nil }

    /// Adds a member. A console authorised for the room may open it (`mayOpen`).
    public mutating func join(room name: String, role: Role, shard: Int, mayOpen: Bool, now: UInt64) -> JoinOutcome {
        if rooms[name] == nil {
            guard mayOpen || configuration.autoCreateRooms else { return .unknownRoom }
            rooms[name] = makeRoom(name, isStatic: false, now: now)
        }
        rooms[name]!.membersPerShard[shard] += 1
        switch role {
        case .viewer: rooms[name]!.viewers += 1
        case .console: rooms[name]!.consoles += 1
        }
        return .joined(seq: rooms[name]!.lastBroadcast)
    }

    public mutating func leave(room name: String, role: Role, shard: Int, now: UInt64) {
        guard rooms[name] != nil else { return }
        rooms[name]!.membersPerShard[shard] -= 1
        switch role {
        case .viewer: rooms[name]!.viewers -= 1
        case .console: rooms[name]!.consoles -= 1
        }
        if rooms[name]!.memberCount == 0 { rooms[name]!.emptySince = now }
    }

    /// Accepts an interaction: gives it the next sequence number and counts it. Returns the
    /// batch to deliver when this message filled it or found the room quiet, and the deadline
    /// of the batch it started otherwise (`tick` must run by then). Nil `seq`: the room is gone.
    /// Check `acceptedEarlier` first when the interaction has an idempotency key.
    public mutating func ingest(
        room name: String, payload: InteractionPayload, author: Author, clientID: String?, tag: LanguageTag?,
        idempotencyKey: String? = nil, clusterAck: PendingAck? = nil, wallMs: Int64, now: UInt64
    ) -> (seq: UInt64?, action: Action?, newDeadline: UInt64?) {
        // One lookup, then everything through one inout access: reading `rooms.values[index]`
        // field by field copied the whole Room (and retained its storage) on every read.
        guard let index = rooms.index(forKey: name) else { return (nil, nil, nil) }
        let language = tag?.language ?? author.declaredLanguage
        let minute = wallMs / 60_000
        totals.record(kind: payload.kind, language: language, region: author.region)
        totalSeries.record(payload.kind, minute: minute)
        if configuration.durableCounting {
            let key = CounterKey(
                room: name, kind: payload.kind, language: language, region: author.region, minute: minute)
            if pendingCommit.oldestCountAt == nil { pendingCommit.oldestCountAt = now }
            pendingCommit.deltas[key, default: 0] += 1
            pendingCommit.interactions += 1
        }
        // A cluster room counts what Redis numbered, as it is delivered (`deliverFromCluster`).
        if !rooms.values[index].publishesToCluster { rooms.values[index].series.record(payload.kind, minute: minute) }
        let (seq, pendingCount, wasQuiet) = Self.append(
            to: &rooms.values[index], batch: configuration.batch, now: now,
            payload: payload, author: author, clientID: clientID, language: language, confidence: tag?.confidence,
            wallMs: wallMs)
        if rooms.values[index].publishesToCluster {
            // Numbered by Redis at the flush: the ack and key go with the message's place.
            if let clusterAck { rooms.values[index].pendingAcks.append((pendingCount - 1, clusterAck)) }
            if let idempotencyKey { rooms.values[index].pendingKeys.append((pendingCount - 1, idempotencyKey)) }
        } else if let idempotencyKey {
            remember(idempotencyKey, room: name, seq: seq, wallMs: wallMs)
        }
        Self.reserveSequences(for: &rooms.values[index], block: configuration.sequenceBlock, into: &pendingCommit)
        // A full batch leaves at once, and so does a quiet room's first message (leading edge).
        // Past a full batch only after waiting for a reservation: `tick` splits those.
        let fills = pendingCount == configuration.batch.maxMessages
        let leads = wasQuiet && pendingCount == 1
        guard fills || leads, mayBroadcast(roomAt: index, now: now),
            let action = Self.flush(&rooms.values[index], now: now, copies: &batchesCopied)
        else {
            // A batch that starts pending here must be flushed by its deadline: the caller sees
            // that a timer fires then.
            guard pendingCount == 1 else { return (seq, nil, nil) }
            return (seq, nil, Self.flushDeadline(of: &rooms.values[index], batch: configuration.batch))
        }
        batchesFlushed += 1
        return (seq, action, nil)
    }

    /// Numbers, counts and queues one message; returns its seq, how many messages are pending
    /// now, and whether the room was quiet before it (with `leadingEdge`: nothing pending and
    /// no batch for a whole window).
    private static func append(
        to room: inout Room, batch: ServerFrames.BatchSettings, now: UInt64, payload: InteractionPayload,
        author: Author, clientID: String?, language: String, confidence: Double?, wallMs: Int64
    ) -> (seq: UInt64, pendingCount: Int, wasQuiet: Bool) {
        let maxMessages = batch.maxMessages
        let wasQuiet =
            batch.leadingEdge && room.pending.isEmpty
            && (room.lastFlushAt == 0 || now &- room.lastFlushAt >= batch.maxDelayNanoseconds)
        // A cluster room's messages get their numbers from Redis; counted when delivered.
        if !room.publishesToCluster { room.lastAssigned += 1 }
        if room.pending.isEmpty {
            room.pendingSince = now
            // Only a room's first window starts from nothing; `flush` sizes every later one
            // from the batch before. (Reserving a full batch here made every batch under
            // ~200 messages a copy, retaining and releasing each message's strings.)
            if room.pending.capacity == 0 { room.pending.reserveCapacity(min(maxMessages, 16)) }
        }
        room.pending.append(
            RoomMessage(
                seq: room.lastAssigned, payload: payload, author: author, clientID: clientID, language: language,
                confidence: confidence, receivedAtMs: wallMs))
        if !room.publishesToCluster {
            room.counters.record(kind: payload.kind, language: language, region: author.region)
        }
        return (room.lastAssigned, room.pending.count, wasQuiet)
    }

    /// Flushes every batch whose window ends nearer this tick than the next one, and closes
    /// rooms that stayed empty past their idle time. Called at the earliest pending deadline
    /// (`nextFlushDeadline`, or one `ingest` returned) and on a periodic housekeeping tick.
    ///
    /// Rounding to the nearest tick keeps the average batch one window long while no message
    /// waits more than half a tick past it. Flushing on the first tick after the deadline made
    /// batches half a tick longer on average and up to a whole tick late (p99 = window + 16 ms
    /// with 10 ms ticks in the many-rooms shape); flushing on the last tick before it made them
    /// half a tick shorter, and the 1,000-viewer room cost 6 % more CPU for the extra writes.
    public mutating func tick(now: UInt64) -> [Action] {
        let halfTick = configuration.batch.flushTickNanoseconds / 2
        var actions: [Action] = []
        var idle: [String] = []
        // Walk by index and mutate through `values[index]`: iterating `keys` while mutating
        // the dictionary copied all of it on every tick that flushed something.
        var index = rooms.startIndex
        while index != rooms.endIndex {
            if !rooms.values[index].pending.isEmpty {
                if now &+ halfTick >= Self.flushDeadline(of: &rooms.values[index], batch: configuration.batch)
                    || rooms.values[index].pending.count >= configuration.batch.maxMessages,
                    mayBroadcast(roomAt: index, now: now)
                {
                    flushPending(roomAt: index, now: now, into: &actions)
                }
            } else if rooms.values[index].memberCount == 0 && !rooms.values[index].isStatic
                && now &- rooms.values[index].emptySince >= configuration.roomIdleNanoseconds
            {
                idle.append(rooms.keys[index])
            }
            if rooms.values[index].history.messageCount > 0 { rooms.values[index].history.trim(now: now) }
            index = rooms.index(after: index)
        }
        for name in idle {
            if rooms[name]!.slowModeSeconds > 0 { slowModeRoomCount -= 1 }
            guard let room = rooms.removeValue(forKey: name) else { continue }
            if room.publishesToCluster {
                // Redis keeps the room; this node stops following it (and syncs again on a join).
                actions.append(.unfollow(name))
                continue
            }
            if room.counters.total > 0 {
                archivedCounters[name] = room.counters
                archivedSeries[name] = room.series
            }
            // A member that comes back with `since` must find the room's numbers going on.
            if room.lastAssigned > 0 { archivedSequences[name] = Self.mark(of: room) }
        }
        return actions
    }

    /// Flushes every pending batch now (graceful stop).
    public mutating func flushAll(now: UInt64 = 0) -> [Action] {
        var actions: [Action] = []
        var index = rooms.startIndex
        while index != rooms.endIndex {
            flushPending(roomAt: index, now: now, into: &actions)
            index = rooms.index(after: index)
        }
        return actions
    }

    public func stats(room name: String) -> RoomStats? {
        guard let room = rooms[name] else { return nil }
        return RoomStats(
            room: name, seq: room.lastAssigned, viewers: room.clusterPresence?.viewers ?? room.viewers,
            consoles: room.clusterPresence?.consoles ?? room.consoles, counters: room.counters,
            series: room.series)
    }

    public func memberTotals() -> (viewers: Int, consoles: Int) {
        rooms.values.reduce(into: (0, 0)) { sum, room in
            sum.0 += room.viewers
            sum.1 += room.consoles
        }
    }

    /// Flushes everything a room has pending, in batches of at most `batch.maxMessages` (more
    /// is pending only after waiting for a sequence reservation, `Hub+Sequences.swift`).
    private mutating func flushPending(roomAt index: [String: Room].Index, now: UInt64, into actions: inout [Action]) {
        let maxMessages = configuration.batch.maxMessages
        while !rooms.values[index].pending.isEmpty {
            let rest =
                rooms.values[index].pending.count > maxMessages
                ? Array(rooms.values[index].pending[maxMessages...]) : []
            if !rest.isEmpty { rooms.values[index].pending.removeSubrange(maxMessages...) }
            if let action = Self.flush(&rooms.values[index], now: now, copies: &batchesCopied) {
                batchesFlushed += 1
                actions.append(action)
            }
            // Only after a hold: otherwise `flush` left a buffer sized for the next window.
            guard !rest.isEmpty else { return }
            rooms.values[index].pending = rest
        }
    }

    private static func flush(_ room: inout Room, now: UInt64, copies: inout UInt64) -> Action? {
        if room.publishesToCluster { return publish(&room, now: now) }
        guard let first = room.pending.first, let last = room.pending.last else { return nil }
        let range = first.seq...last.seq
        // The batch is held by the history for up to `rooms.historyMessages`, so it must not
        // keep much spare room: a pending buffer reserved for a full batch cost ≈ 1 KB of idle
        // capacity per kept message (300 MB at 30,000 msg/s over 50 rooms). The buffer is handed
        // over whole (no per-message copy, retain and release) when it is nearly full, and the
        // next window's is reserved a little above this batch's size, which a steady room fills.
        let messages: [RoomMessage]
        let count = room.pending.count
        if room.pending.capacity <= count + count / 4 + 4 {
            messages = room.pending
            room.pending = []
        } else {
            var copy: [RoomMessage] = []
            copy.reserveCapacity(count)
            copy.append(contentsOf: room.pending)
            messages = copy
            copies += 1
            // A buffer this much larger than the room's rate would make the next window a copy too.
            room.pending = []
        }
        if room.pending.capacity == 0 { room.pending.reserveCapacity(count + count / 8 + 2) }
        room.lastBroadcast = last.seq
        room.lastFlushAt = now
        let frame = BatchEncoder.encode(room: room.name, range: range, messages: messages)
        let batch = RoomBatch(room: room.name, range: range, messages: messages, frame: frame)
        room.history.append(batch, now: now)
        return .deliver(batch, shards: room.shardsWithMembers)
    }
}
