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
        /// How far past `viewerBytes` a viewer's commerce may queue once its chat is gone.
        public var viewerCommerceBytes: Int

        public init(viewerBytes: Int, consoleBytes: Int, viewerCommerceBytes: Int = 0) {
            self.viewerBytes = viewerBytes
            self.consoleBytes = consoleBytes
            self.viewerCommerceBytes = viewerCommerceBytes
        }
    }

    /// One per connection, inline in `members`: its fields are ordered so the one-byte ones
    /// fill the queue's tail padding (88 bytes; bytes per idle connection are a target).
    struct Member {
        /// Room → last sequence number this member already has (from its welcome).
        var rooms = MemberRooms()
        var filter = LanguageFilter()
        /// Consoles resuming with `since`: history batches (and live ones behind them) waiting
        /// for room in the queue.
        var backlog = ReplayBacklog<Frame>()
        var queue: OutboundQueue<Frame>
        let role: Role
        var awaitingWritable = false
        var closing = false
        /// False for send-only viewers (`feed=none`): no batches, control frames still.
        var receivesBatches = true
    }

    /// Given to each member's queue when it is added: a reload's new budgets apply to members
    /// added from then on, while open ones keep the queue they were given.
    public var budgets: Budgets
    /// Internal, not private: `Shard+…` extensions in other files read them.
    private(set) var members: [ConnectionID: Member] = [:]
    private(set) var roomMembers: [String: Set<ConnectionID>] = [:]
    public private(set) var statistics = ShardStatistics()

    public init(budgets: Budgets) {
        self.budgets = budgets
    }

    public var connectionCount: Int { members.count }

    public func role(of id: ConnectionID) -> Role? { members[id]?.role }

    public func rooms(of id: ConnectionID) -> [String] { members[id]?.rooms.names ?? [] }

    /// The room `id` joined first (a viewer's only room), without building a list. Mutating
    /// only to read the member in place: `members[id]?.rooms` would copy the whole member
    /// (retaining and releasing each of its parts) on every ingested message.
    public mutating func firstRoom(of id: ConnectionID) -> String? {
        guard let index = members.index(forKey: id) else { return nil }
        return Self.firstRoom(of: &members.values[index])
    }

    private static func firstRoom(of member: inout Member) -> String? { member.rooms.first }

    /// The chat language filter `id` has for `room` (nil: every language).
    public func languages(of id: ConnectionID, room: String) -> Set<String>? {
        members[id]?.filter.languages(for: room)
    }

    public mutating func add(_ id: ConnectionID, role: Role) {
        let queue: OutboundQueue<Frame> =
            switch role {
            case .viewer:
                OutboundQueue(
                    budgetBytes: budgets.viewerBytes, policy: .dropOldestBatches,
                    commerceAllowanceBytes: budgets.viewerCommerceBytes)
            case .console: OutboundQueue(budgetBytes: budgets.consoleBytes, policy: .disconnect)
            }
        members[id] = Member(queue: queue, role: role)
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

    /// Whether `id` receives its rooms' batches; room notices and its own frames reach it either way.
    public mutating func setFeed(_ id: ConnectionID, _ feed: ViewerFeed) {
        members[id]?.receivesBatches = feed == .all
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
    /// `shed` encodes the batch's shed form for viewers that fall behind (commerce kept, likes
    /// folded, chat counted; nil when there is none), once, only when a viewer receives it.
    public mutating func deliver(
        _ batch: RoomBatch, encode: (RoomBatch, Set<String>?) -> Frame, shed: (RoomBatch) -> Frame? = { _ in nil }
    ) -> [Action] {
        guard let ids = roomMembers[batch.room] else { return [] }
        var viewerForm: ViewerForm?
        var actions: [Action] = []
        actions.reserveCapacity(ids.count)
        var unfiltered: Frame?
        var filteredFrames: [Set<String>: Frame] = [:]
        for id in ids {
            guard let index = members.index(forKey: id),
                let view = Self.deliveryView(of: &members.values[index], for: batch)
            else { continue }
            let frame: Frame
            if let languages = view.languages {
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
            let entry: OutboundQueue<Frame>.Entry
            if view.isViewer {
                if viewerForm == nil { viewerForm = ViewerForm(batch, shed: shed) }
                entry = .batch(
                    room: batch.room, range: batch.range, frame, shed: viewerForm!.shed, commerce: viewerForm!.commerce)
            } else {
                entry = .batch(room: batch.room, range: batch.range, frame)
            }
            if view.isBehindReplay {
                // Behind a replay: wait there, in order, within the console's budget.
                if Self.appendToBacklog(entry, of: &members.values[index]) {
                    statistics.slowConsolesClosed += 1
                    actions.append(.close(id, code: CloseCode.tooSlow, reason: "console too slow"))
                }
                continue
            }
            if let action = Self.enqueue(entry, into: &members.values[index], id: id, statistics: &statistics) {
                actions.append(action)
            }
        }
        return actions
    }

    /// Queues one batch of a resuming member's history (language-filtered like live ones),
    /// whatever its `after` says: call right after `join`, in order, before any live batch.
    /// A viewer's queue takes it at once (its drop policy reports what does not fit); a
    /// console's waits in its backlog and enters the queue as the queue drains.
    public mutating func replay(
        _ batch: RoomBatch, to id: ConnectionID, encode: (RoomBatch, Set<String>?) -> Frame,
        shed: (RoomBatch) -> Frame? = { _ in nil }
    ) -> Action? {
        guard let member = members[id], !member.closing else { return nil }
        statistics.replayedMessages += UInt64(batch.messages.count)
        let frame = encode(batch, member.filter.languages(for: batch.room))
        guard member.role == .console else {
            let form = ViewerForm(batch, shed: shed)
            return enqueue(
                .batch(room: batch.room, range: batch.range, frame, shed: form.shed, commerce: form.commerce), for: id)
        }
        members[id]!.backlog.append(.batch(room: batch.room, range: batch.range, frame), live: false)
        return refill(id)
    }

    /// What viewers' queues need to know of a batch to shed it under pressure.
    private struct ViewerForm {
        var shed: OutboundQueue<Frame>.Shed?
        var commerce: Bool

        init(_ batch: RoomBatch, shed encodeShed: (RoomBatch) -> Frame?) {
            var chat: UInt64 = 0
            commerce = false
            for message in batch.messages {
                if case .chat = message.payload { chat += 1 } else if message.payload.isCommerce { commerce = true }
            }
            shed = encodeShed(batch).map { OutboundQueue<Frame>.Shed(frame: $0, droppedMessages: chat) }
        }
    }

    /// Moves backlog entries into the queue while it stays under half its budget.
    private mutating func refill(_ id: ConnectionID) -> Action? {
        guard let index = members.index(forKey: id) else { return nil }
        var action: Action?
        while let entry = Self.nextFromBacklog(of: &members.values[index]) {
            action = Self.enqueue(entry, into: &members.values[index], id: id, statistics: &statistics) ?? action
        }
        return action
    }

    /// Takes the next item to write for `id`. `more` says whether another write should be
    /// requested after this one (at most one write per writable callback).
    public mutating func nextWrite(for id: ConnectionID) -> (item: OutboundQueue<Frame>.Item, more: Bool)? {
        guard let index = members.index(forKey: id),
            let (item, backlogWaiting) = Self.takeNext(from: &members.values[index], statistics: &statistics)
        else { return nil }
        // Already awaiting a writable callback, so a refill asks for nothing more.
        if backlogWaiting { _ = refill(id) }
        return (item, Self.wantsMoreWrites(&members.values[index]))
    }

    mutating func enqueue(_ entry: OutboundQueue<Frame>.Entry, for id: ConnectionID) -> Action? {
        guard let index = members.index(forKey: id) else { return nil }
        return Self.enqueue(entry, into: &members.values[index], id: id, statistics: &statistics)
    }
}

/// Running totals for metrics.
public struct ShardStatistics: Sendable, Equatable {
    public var deliveredMessages: UInt64 = 0
    public var batchFramesQueued: UInt64 = 0
    /// Viewer messages lost with whole batches (reported by `missed`).
    public var droppedViewerMessages: UInt64 = 0
    /// Viewer chat left out of shed batches (counted in their `dropped`; likes are folded).
    public var shedViewerMessages: UInt64 = 0
    public var slowConsolesClosed: UInt64 = 0
    /// Viewers closed because even their commerce no longer fitted (`viewerCommerceBytes`).
    public var slowViewersClosed: UInt64 = 0
    /// History messages queued for members resuming with `since`.
    public var replayedMessages: UInt64 = 0
    public var queuedBytes = 0

    public init() {}
}
