/// An `ack` owed to a viewer once the commit holding its interaction is durable.
public struct PendingAck: Sendable, Equatable {
    /// The service thread (shard) that owns the connection.
    public var shard: Int
    public var connection: ConnectionID
    public var room: String
    public var seq: UInt64
    public var clientID: String?
    /// Answers a retry of an interaction already accepted (`seq` is the first attempt's).
    public var duplicate: Bool

    public init(
        shard: Int, connection: ConnectionID, room: String, seq: UInt64, clientID: String?, duplicate: Bool = false
    ) {
        self.shard = shard
        self.connection = connection
        self.room = room
        self.seq = seq
        self.clientID = clientID
        self.duplicate = duplicate
    }
}
