/// One show's room: its sequence, its pending batch, who is in it and what it counted.
struct Room {
    let name: String
    let isStatic: Bool
    /// The room spans nodes (`Hub+Cluster.swift`): its pending messages are not numbered here.
    let publishesToCluster: Bool
    /// Cluster rooms: whether this node read the room's number from Redis (members may join).
    var isSynced = false
    /// Cluster rooms: acks and idempotency keys of the pending messages, by index in `pending`.
    var pendingAcks: [(index: Int, ack: PendingAck)] = []
    var pendingKeys: [(index: Int, key: String)] = []
    /// Cluster rooms: members on every live node, as Redis last said (`Hub+Cluster.swift`).
    var clusterPresence: (viewers: Int, consoles: Int)?
    /// Last sequence number given to an accepted interaction.
    var lastAssigned: UInt64 = 0
    /// Last sequence number already handed out in a batch.
    var lastBroadcast: UInt64 = 0
    /// Highest sequence number whose reservation is durable: no batch reaching past it is
    /// broadcast (`Hub+Sequences.swift`). Unbounded when sequences are not stored.
    var durableThrough: UInt64 = .max
    /// Highest sequence number asked to be reserved (durable once the committer says so).
    var reservedThrough: UInt64 = 0
    var pending: [RoomMessage] = []
    /// When the oldest pending message arrived (monotonic nanoseconds).
    var pendingSince: UInt64 = 0
    /// When the last batch left (monotonic nanoseconds; 0: never). With `leadingEdge` the
    /// next batch is due one window after it.
    var lastFlushAt: UInt64 = 0
    /// Members per shard, so a batch only goes to the service threads that need it.
    var membersPerShard: [Int]
    var viewers = 0
    var consoles = 0
    var counters = InteractionCounters()
    /// Slow mode: the least time between one viewer's chat messages, set by a console (0: off).
    var slowModeSeconds = 0
    /// When the room last became empty (monotonic nanoseconds).
    var emptySince: UInt64
    /// Recent batches for members resuming with `since`.
    var history: RoomHistory
    /// Recent per-minute counts for the stats API.
    var series: MinuteSeries

    init(
        name: String, isStatic: Bool, shardCount: Int, now: UInt64, history: RoomHistory, series: MinuteSeries,
        publishesToCluster: Bool = false
    ) {
        self.publishesToCluster = publishesToCluster
        self.history = history
        self.series = series
        self.name = name
        self.isStatic = isStatic
        self.membersPerShard = Array(repeating: 0, count: shardCount)
        self.emptySince = now
    }

    var memberCount: Int { viewers + consoles }

    var shardsWithMembers: [Int] {
        membersPerShard.indices.filter { membersPerShard[$0] > 0 }
    }
}
