/// One cell of the durable counts: a room's interactions of one type, language and region in
/// one minute (Unix epoch minutes, from the daemon's receipt time).
public struct CounterKey: Hashable, Sendable {
    public var room: String
    public var kind: InteractionKind
    public var language: String
    public var region: String
    public var minute: Int64

    public init(room: String, kind: InteractionKind, language: String, region: String, minute: Int64) {
        self.room = room
        self.kind = kind
        self.language = language
        self.region = region
        self.minute = minute
    }
}

/// What one group commit writes: counter increments, and the acknowledgements that may be
/// sent once they are stored.
public struct CommitBatch: Sendable {
    public var deltas: [CounterKey: UInt64] = [:]
    public var acks: [PendingAck] = []
    /// Idempotency keys of the interactions counted in `deltas`, stored with them so that a
    /// retry after a crash is still recognised.
    public var keys: [IdempotencyWindow.Record] = []
    /// Interactions counted in `deltas`.
    public var interactions: UInt64 = 0
    /// When the oldest count in `deltas` was taken (monotonic ns); nil while empty.
    public var oldestCountAt: UInt64?
    /// Sequence numbers reserved per room: each room's new highest number that may be used,
    /// never to be given out again after a restart (`Hub+Sequences.swift`).
    public var sequences: [String: UInt64] = [:]

    public init() {}

    public var isEmpty: Bool { deltas.isEmpty && acks.isEmpty && sequences.isEmpty }

    /// Puts a batch that could not be stored back in front of what came since.
    public mutating func merge(_ earlier: CommitBatch) {
        for (key, count) in earlier.deltas { deltas[key, default: 0] += count }
        acks = earlier.acks + acks
        keys = earlier.keys + keys
        interactions += earlier.interactions
        oldestCountAt = [oldestCountAt, earlier.oldestCountAt].compactMap { $0 }.min()
        sequences.merge(earlier.sequences, uniquingKeysWith: max)
    }

    /// Whether to store it now: an ack, an idempotency key or a sequence reservation waits on it
    /// (a client, or a room's next batch, is waiting), or its oldest count has waited
    /// `quietNanoseconds`.
    public func isDue(now: UInt64, quietNanoseconds: UInt64) -> Bool {
        if !acks.isEmpty || !keys.isEmpty || !sequences.isEmpty { return true }
        guard let oldestCountAt else { return false }
        return now &- oldestCountAt >= quietNanoseconds
    }
}

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

/// Where counts are made durable (SQLite on one node; the cluster backend later). Called from
/// the committer thread only.
public protocol CounterStore: AnyObject {
    /// Adds every delta and idempotency key, and raises each room's sequence reservation to the
    /// given number, in one transaction; when it returns, they survive a crash. Keys expired
    /// by `nowMillis` may be forgotten.
    func commit(
        _ deltas: [CounterKey: UInt64], keys: [IdempotencyWindow.Record], sequences: [String: UInt64],
        nowMillis: Int64
    ) throws(StorageError)
    /// Every room's counts summed over time, for start-up.
    func loadRoomCounters() throws(StorageError) -> [String: InteractionCounters]
    /// Every room's sequence reservation: numbers up to it may have been given out.
    func loadRoomSequences() throws(StorageError) -> [String: UInt64]
    /// Idempotency keys still live at `nowMillis`, oldest first, at most `limit` (the newest).
    func loadIdempotencyKeys(nowMillis: Int64, limit: Int) throws(StorageError) -> [IdempotencyWindow.Record]
    /// Per-minute interaction counts since `minute` (Unix epoch minutes), by room, for the
    /// stats series kept in memory.
    func loadMinuteSeries(since minute: Int64) throws(StorageError) -> [String: [MinuteCount]]
}

/// A storage failure, with what was being done.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}
