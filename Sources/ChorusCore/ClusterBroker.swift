/// What the transport needs from the cluster (`cluster.redis`): to have a room's batches
/// numbered and published, and to know where a room stands before its first member joins on
/// this node. Implemented by the server's cluster link over Redis; the transport never
/// touches Redis itself.
public protocol ClusterBroker: AnyObject, Sendable {
    /// Any thread, with the hub locked: queue it (no I/O here). The broker later delivers the
    /// numbered batch back through the relay and sends its acks.
    func publish(_ outgoing: ClusterOutgoing)

    /// A service thread, before the first member of `room` joins on this node: subscribes
    /// this node to the room, reads the room's number and recent history in Redis and calls
    /// `adopt` with them — at the moment from which the broker delivers the room's batches, so
    /// none is delivered before the hub knows the room, nor lost between. Once per room per
    /// node (a room already synced returns at once); throws when Redis does not answer.
    func sync(room: String, adopt: (ClusterRoomState) -> Void) throws(ClusterUnavailable)

    /// Any thread, with the hub locked: the room closed on this node; stop hearing it (queued).
    func unfollow(room: String)

    /// Any thread: a console on this node set the room's slow mode; every other node applies it
    /// too (queued, no I/O here), and nodes that open the room later start with it.
    func shareSlowMode(room: String, seconds: Int)
}

/// Where a room stands in Redis: its last number, its counts through that number (read in
/// the same step), and its history's batches (oldest first).
public struct ClusterRoomState: Sendable {
    public var through: UInt64
    public var counts: ClusterCounts
    /// The room's slow mode as the last console anywhere set it (0: off).
    public var slowModeSeconds: Int
    public var history: [(range: ClosedRange<UInt64>, messages: [RoomMessage])]

    public init(
        through: UInt64, counts: ClusterCounts = ClusterCounts(), slowModeSeconds: Int = 0,
        history: [(range: ClosedRange<UInt64>, messages: [RoomMessage])]
    ) {
        self.through = through
        self.counts = counts
        self.slowModeSeconds = slowModeSeconds
        self.history = history
    }
}

/// Redis did not answer (down, unreachable, or too slow): the member is told to come back.
public struct ClusterUnavailable: Error, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
