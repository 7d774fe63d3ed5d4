/// Identifies a connection across the daemon; unique for the process's lifetime.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64

    public init(_ raw: UInt64) {
        self.raw = raw
    }

    public var description: String { "c\(raw)" }
}

/// The members one service thread owns: which rooms they are in and what waits to be
/// written to each. Owned by that thread alone; the hub never touches it.
///
/// Generic over `Frame` so the transport can keep frames in the form its socket layer needs
/// (with libwebsockets' headroom) while the policy stays here, testable without sockets.
public struct Shard<Frame: OutboundFrame> {
    public enum Action {
        /// The connection has something to write; ask the socket layer for a writable callback.
        case wantWrite(ConnectionID)
        case close(ConnectionID, code: UInt16, reason: String)
    }

    public struct Budgets: Sendable {
        public var viewerBytes: Int
        public var consoleBytes: Int

        public init(viewerBytes: Int, consoleBytes: Int) {
            self.viewerBytes = viewerBytes
            self.consoleBytes = consoleBytes
        }
    }

    struct Member {
        let role: Role
        /// Room → last sequence number this member already has (from its welcome).
        var rooms = MemberRooms()
        var filter = LanguageFilter()
        var queue: OutboundQueue<Frame>
        var awaitingWritable = false
        var closing = false
    }

    public static var closeCodeConsoleTooSlow: UInt16 { 4001 }

    public let budgets: Budgets
    private var members: [ConnectionID: Member] = [:]
    private var roomMembers: [String: Set<ConnectionID>] = [:]
    public private(set) var statistics = ShardStatistics()

    public init(budgets: Budgets) {
        self.budgets = budgets
    }

    public var connectionCount: Int { members.count }

    public func role(of id: ConnectionID) -> Role? { members[id]?.role }

    public func rooms(of id: ConnectionID) -> [String] { members[id]?.rooms.names ?? [] }

    /// The chat language filter `id` has for `room` (nil: every language).
    public func languages(of id: ConnectionID, room: String) -> Set<String>? {
        members[id]?.filter.languages(for: room)
    }

    public mutating func add(_ id: ConnectionID, role: Role) {
        let queue: OutboundQueue<Frame> =
            switch role {
            case .viewer: OutboundQueue(budgetBytes: budgets.viewerBytes, policy: .dropOldestBatches)
            case .console: OutboundQueue(budgetBytes: budgets.consoleBytes, policy: .disconnect)
            }
        members[id] = Member(role: role, queue: queue)
    }

    /// Adds `id` to `room`; it receives batches after `seq`.
    public mutating func join(_ id: ConnectionID, room: String, after seq: UInt64) {
        guard members[id] != nil else { return }
        members[id]!.rooms.set(room, after: seq)
        roomMembers[room, default: []].insert(id)
    }

    /// Returns false when `id` was not in `room`.
    @discardableResult
    public mutating func leave(_ id: ConnectionID, room: String) -> Bool {
        guard members[id]?.rooms.remove(room) == true else { return false }
        members[id]!.filter.forget(room)
        roomMembers[room]?.remove(id)
        if roomMembers[room]?.isEmpty == true { roomMembers[room] = nil }
        return true
    }

    /// Forgets a closed connection; returns its role and rooms so the hub can be told.
    public mutating func remove(_ id: ConnectionID) -> (role: Role, rooms: [String])? {
        guard let member = members.removeValue(forKey: id) else { return nil }
        statistics.queuedBytes -= member.queue.queuedBytes
        let rooms = member.rooms.names
        for room in rooms {
            roomMembers[room]?.remove(id)
            if roomMembers[room]?.isEmpty == true { roomMembers[room] = nil }
        }
        return (member.role, rooms)
    }

    /// Nothing more is queued for `id` (it is being closed); what is queued is still written.
    public mutating func stopDeliveries(to id: ConnectionID) {
        members[id]?.closing = true
    }

    /// Sets the chat language filter of `id` for one room, or for every room when `room` is nil
    /// (a room's own filter wins over the every-room one; nil languages removes it).
    public mutating func setLanguages(_ id: ConnectionID, _ languages: Set<String>?, room: String? = nil) {
        members[id]?.filter.set(languages, room: room)
    }

    /// Queues a control frame (welcome, error, …), which is never dropped.
    public mutating func send(_ frame: Frame, to id: ConnectionID) -> Action? {
        enqueue(.control(frame), for: id)
    }

    /// Queues a control frame for every local member of `room` (a notice about the room).
    public mutating func send(_ frame: Frame, toRoom room: String) -> [Action] {
        guard let ids = roomMembers[room] else { return [] }
        return ids.compactMap { enqueue(.control(frame), for: $0) }
    }

    /// Queues a batch for every local member of its room. `encode` is called once for the
    /// unfiltered frame and once per distinct console language filter.
    public mutating func deliver(_ batch: RoomBatch, encode: (RoomBatch, Set<String>?) -> Frame) -> [Action] {
        guard let ids = roomMembers[batch.room] else { return [] }
        var actions: [Action] = []
        actions.reserveCapacity(ids.count)
        var unfiltered: Frame?
        var filteredFrames: [Set<String>: Frame] = [:]
        for id in ids {
            // Read through the index: copying a Member retains all of its storage.
            guard let index = members.index(forKey: id), !members.values[index].closing,
                let after = members.values[index].rooms[batch.room], batch.range.upperBound > after
            else { continue }
            let languages = members.values[index].filter.languages(for: batch.room)
            let frame: Frame
            if let languages {
                if let cached = filteredFrames[languages] {
                    frame = cached
                } else {
                    frame = encode(batch, languages)
                    filteredFrames[languages] = frame
                }
            } else if let cached = unfiltered {
                frame = cached
            } else {
                frame = encode(batch, nil)
                unfiltered = frame
            }
            statistics.batchFramesQueued += 1
            statistics.deliveredMessages += UInt64(batch.messages.count)
            if let action = enqueue(.batch(room: batch.room, range: batch.range, frame), for: id) {
                actions.append(action)
            }
        }
        return actions
    }

    /// Takes the next item to write for `id`. `more` says whether another write should be
    /// requested after this one (at most one write per writable callback).
    public mutating func nextWrite(for id: ConnectionID) -> (item: OutboundQueue<Frame>.Item, more: Bool)? {
        guard let index = members.index(forKey: id) else { return nil }
        let before = members.values[index].queue.queuedBytes
        guard let item = members.values[index].queue.next() else {
            members.values[index].awaitingWritable = false
            return nil
        }
        statistics.queuedBytes -= before - members.values[index].queue.queuedBytes
        let more = !members.values[index].queue.isEmpty
        members.values[index].awaitingWritable = more
        return (item, more)
    }

    private mutating func enqueue(_ entry: OutboundQueue<Frame>.Entry, for id: ConnectionID) -> Action? {
        // One hash lookup, then in-place mutation through the index.
        guard let index = members.index(forKey: id), !members.values[index].closing else { return nil }
        let before = members.values[index].queue.queuedBytes
        let result = members.values[index].queue.enqueue(entry)
        statistics.queuedBytes += members.values[index].queue.queuedBytes - before
        switch result {
        case .overflow:
            members.values[index].closing = true
            statistics.slowConsolesClosed += 1
            return .close(id, code: Self.closeCodeConsoleTooSlow, reason: "console too slow")
        case .queuedAfterDropping(let messages):
            statistics.droppedViewerMessages += messages
        case .queued:
            break
        }
        guard !members.values[index].awaitingWritable else { return nil }
        members.values[index].awaitingWritable = true
        return .wantWrite(id)
    }
}

/// Running totals for metrics.
public struct ShardStatistics: Sendable, Equatable {
    public var deliveredMessages: UInt64 = 0
    public var batchFramesQueued: UInt64 = 0
    public var droppedViewerMessages: UInt64 = 0
    public var slowConsolesClosed: UInt64 = 0
    public var queuedBytes = 0

    public init() {}
}
