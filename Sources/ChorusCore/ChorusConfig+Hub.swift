/// The hub's part of the configuration, mapped in one place: the transport passes the tree
/// and never copies fields one by one, so a new hub setting is one line here.
extension Hub.Configuration {
    /// Sequence numbers a room reserves at a time when they are stored (`storage.engine` =
    /// `sqlite`, `Hub+Sequences.swift`). A constant, not a setting: no operator choice changes
    /// the trade. 100,000 lasts a room at 10,000 msg/s ten seconds (the next block is asked for
    /// half-way, so a busy room adds a row to a commit every few seconds at most), and the most
    /// a restart skips per room, the unused rest of its block, is reported once as a gap.
    public static let storedSequenceBlock: UInt64 = 100_000

    /// `shardCount`: the service threads, once `transport.serviceThreads` = 0 (one per CPU)
    /// has been resolved by the transport.
    public init(_ config: ChorusConfig, shardCount: Int) {
        self.init(
            batch: ServerFrames.BatchSettings(config.batch), staticRooms: config.rooms.staticRooms,
            autoCreateRooms: config.rooms.autoCreate, roomIdleNanoseconds: Self.nanoseconds(config.rooms.idleSeconds),
            shardCount: shardCount, historyMessages: config.rooms.historyMessages,
            historyNanoseconds: Self.nanoseconds(config.rooms.historySeconds))
        // In a cluster Redis numbers, stores and counts (`Hub+Cluster.swift`): no local commits.
        clusterMode = config.cluster.isEnabled
        durableCounting = !clusterMode && config.storage.engine == .sqlite
        sequenceBlock = durableCounting ? Self.storedSequenceBlock : 0
        // Wall-clock milliseconds: keys are stored with their expiry and outlive the process.
        idempotencyWindowMs = Int64(config.storage.idempotencyWindowSeconds) * 1000
        idempotencyCapacity = config.storage.idempotencyKeys
        seriesMinutes = config.stats.seriesMinutes
    }

    private static func nanoseconds(_ seconds: Int) -> UInt64 {
        UInt64(seconds) * 1_000_000_000
    }
}

extension ServerFrames.BatchSettings {
    public init(_ batch: ChorusConfig.Batch) {
        self.init(
            maxMessages: batch.maxMessages, maxDelayMs: batch.maxDelayMs, leadingEdge: batch.leadingEdge)
    }
}
