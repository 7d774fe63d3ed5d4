/// Rooms that span nodes (`Configuration.clusterMode`). A node does not number a cluster
/// room's messages: its flush becomes `.publish`, and Redis's room script numbers, stores,
/// counts and publishes the batch in one step. Every node with members in the room — the
/// sender's too — hears the numbered batch back and hands it to its members here, in the
/// room's order (the caller's `RoomFeed` fetches what it missed), so numbering, history and
/// delivery agree on every node.
extension Hub {
    /// Whether this node knows where a cluster room stands (`sync`); a member joins only then.
    public func isSynced(room name: String) -> Bool {
        rooms[name]?.isSynced ?? false
    }

    /// The room's number in Redis when this node subscribed, and the batches its history
    /// held then (oldest first): members joining now start after `through`, and resuming ones
    /// find the history. Opens the room when it may be opened (as `join` would).
    public mutating func sync(
        room name: String, through: UInt64, history: [(range: ClosedRange<UInt64>, messages: [RoomMessage])],
        counts: ClusterCounts? = nil, slowModeSeconds: Int = 0, mayOpen: Bool, now: UInt64
    ) -> Bool {
        if rooms[name] == nil {
            guard mayOpen || configuration.autoCreateRooms else { return false }
            rooms[name] = makeRoom(name, isStatic: false, now: now)
        }
        guard let index = rooms.index(forKey: name), !rooms.values[index].isSynced else { return true }
        for (range, messages) in history where range.upperBound > rooms.values[index].lastBroadcast {
            let frame = BatchEncoder.encode(room: name, range: range, messages: messages)
            rooms.values[index].history.append(
                RoomBatch(room: name, range: range, messages: messages, frame: frame), now: now)
            rooms.values[index].lastBroadcast = range.upperBound
        }
        rooms.values[index].lastBroadcast = max(rooms.values[index].lastBroadcast, through)
        rooms.values[index].lastAssigned = rooms.values[index].lastBroadcast
        if let counts {
            // Redis's counts through `through`, read with it: every batch delivered from now on
            // adds its own, so the room's stats on this node are the whole cluster's.
            rooms.values[index].counters = counts.counters
            var series = MinuteSeries(capacity: configuration.seriesMinutes)
            series.add(counts.minutes)
            rooms.values[index].series = series
        }
        if slowModeSeconds > 0, rooms.values[index].slowModeSeconds == 0 {
            rooms.values[index].slowModeSeconds = slowModeSeconds
            slowModeRoomCount += 1
        }
        rooms.values[index].isSynced = true
        return true
    }

    /// A batch Redis numbered, heard back in the room's order: counted, kept for resume and
    /// handed to this node's members. Nil when the room is not open here.
    public mutating func deliverFromCluster(
        room name: String, range: ClosedRange<UInt64>, messages: [RoomMessage], now: UInt64
    ) -> Action? {
        guard let index = rooms.index(forKey: name), range.upperBound > rooms.values[index].lastBroadcast else {
            return nil
        }
        for message in messages {
            rooms.values[index].counters.record(
                kind: message.payload.kind, language: message.language, region: message.author.region)
            rooms.values[index].series.record(message.payload.kind, minute: message.receivedAtMs / 60_000)
        }
        rooms.values[index].lastAssigned = max(rooms.values[index].lastAssigned, range.upperBound)
        rooms.values[index].lastBroadcast = range.upperBound
        let frame = BatchEncoder.encode(room: name, range: range, messages: messages)
        let batch = RoomBatch(room: name, range: range, messages: messages, frame: frame)
        rooms.values[index].history.append(batch, now: now)
        batchesFlushed += 1
        return .deliver(batch, shards: rooms.values[index].shardsWithMembers)
    }

    /// Numbers no node can deliver any more (Redis's history no longer holds them): members
    /// get one `gap` frame for exactly that range.
    public mutating func gapFromCluster(room name: String, range: ClosedRange<UInt64>) -> Action? {
        guard let index = rooms.index(forKey: name), range.upperBound > rooms.values[index].lastBroadcast else {
            return nil
        }
        rooms.values[index].lastAssigned = max(rooms.values[index].lastAssigned, range.upperBound)
        rooms.values[index].lastBroadcast = range.upperBound
        let batch = RoomBatch(
            room: name, range: range, messages: [], frame: ServerFrames.gap(room: name, range: range), isGap: true)
        return .deliver(batch, shards: rooms.values[index].shardsWithMembers)
    }

    /// Members of each cluster room on this node (rooms with none are left out): what this
    /// node tells Redis (`ClusterLink`'s presence), so stats count every node's members.
    public func localPresence() -> [String: (viewers: Int, consoles: Int)] {
        var presence: [String: (viewers: Int, consoles: Int)] = [:]
        for (name, room) in rooms where room.publishesToCluster && room.memberCount > 0 {
            presence[name] = (room.viewers, room.consoles)
        }
        return presence
    }

    /// Members on every live node, as Redis summed them: the room's stats show these.
    public mutating func adoptClusterPresence(_ presence: [String: (viewers: Int, consoles: Int)]) {
        for (name, members) in presence {
            if let index = rooms.index(forKey: name) { rooms.values[index].clusterPresence = members }
        }
    }

    /// The flush of a cluster room: its pending messages leave unnumbered.
    static func publish(_ room: inout Room, now: UInt64) -> Action? {
        guard !room.pending.isEmpty else { return nil }
        let outgoing = ClusterOutgoing(
            room: room.name, messages: room.pending, acks: room.pendingAcks, keys: room.pendingKeys,
            floor: room.lastBroadcast, flushedAt: now)
        room.pending = []
        room.pendingAcks = []
        room.pendingKeys = []
        room.lastFlushAt = now
        return .publish(outgoing)
    }
}
