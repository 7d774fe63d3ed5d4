/// What a hub is set up with: batching, rooms, history and the durable-counting knobs.
extension Hub {
    public struct Configuration: Sendable {
        public var batch: ServerFrames.BatchSettings
        public var staticRooms: [String]
        public var autoCreateRooms: Bool
        /// How long a room with no members lives on (nanoseconds).
        public var roomIdleNanoseconds: UInt64
        public var shardCount: Int
        /// Per room: messages kept for resume, and for how long (nanoseconds).
        public var historyMessages: Int
        public var historyNanoseconds: UInt64
        /// Collect counter deltas and owed acks for a committer (`takeCommit`); off in tests
        /// and for an in-memory daemon.
        public var durableCounting = false
        /// Rooms span nodes through Redis (`Hub+Cluster.swift`): batches leave as `.publish`,
        /// unnumbered, and members get what Redis numbered (`deliverFromCluster`).
        public var clusterMode = false
        /// How long, and how many, idempotency keys are remembered (`IdempotencyWindow`).
        public var idempotencyWindowMs: Int64 = 300_000
        public var idempotencyCapacity = 200_000
        /// Minutes of per-minute counts kept for the stats API, per room and for the node.
        public var seriesMinutes = 60
        /// Sequence numbers reserved per room at a time (`Hub+Sequences.swift`), so that none
        /// is given out twice across restarts; 0: not stored (numbers restart with the process).
        /// A block lasts a room at 10,000 msg/s ten seconds; the next is asked for half-way.
        public var sequenceBlock: UInt64 = 0
        /// How long a batch may wait for its numbers' reservation to be stored before it goes
        /// out anyway (the store is failing; counted in `sequenceHoldOverrides`).
        public var sequenceHoldNanoseconds: UInt64 = 1_000_000_000

        public init(
            batch: ServerFrames.BatchSettings, staticRooms: [String], autoCreateRooms: Bool,
            roomIdleNanoseconds: UInt64, shardCount: Int, historyMessages: Int = 4096,
            historyNanoseconds: UInt64 = 120_000_000_000
        ) {
            self.batch = batch
            self.staticRooms = staticRooms
            self.autoCreateRooms = autoCreateRooms
            self.roomIdleNanoseconds = roomIdleNanoseconds
            self.shardCount = shardCount
            self.historyMessages = historyMessages
            self.historyNanoseconds = historyNanoseconds
        }
    }
}

extension Hub {
    /// SIGHUP: takes what of `new` can change while rooms are open (batching, whether rooms
    /// open on first join, how long an empty room lives on). The rest stays as the hub was
    /// made: shards, history, durable counting, idempotency and series shaped the rooms and
    /// the stored state (`ChorusSetting.Reload.atRestartOnly`). Rooms' pending batches follow
    /// the new batch settings from their next message or tick.
    public mutating func reconfigure(_ new: Configuration) {
        configuration.batch = new.batch
        configuration.autoCreateRooms = new.autoCreateRooms
        configuration.roomIdleNanoseconds = new.roomIdleNanoseconds
    }
}
