extension ChorusConfig {
    /// Many nodes sharing rooms, history and counts through Redis (docs/architecture.md,
    /// "Cluster"). Off by default: one node on its own, counts in SQLite.
    public struct Cluster: Sendable, Equatable {
        /// `redis://[:password@]host[:port]`: one Redis, or several seeds of one Redis Cluster.
        /// Empty: no cluster.
        public var redis: [String] = []
        /// How long a node waits for Redis to answer one command before it counts Redis as
        /// unreachable (and retries): long enough for an AOF fsync under load, short enough
        /// that a dead Redis is noticed before viewers notice.
        public var commandTimeoutMs = 2000
        /// Batches flushed and waiting for Redis (it is slow or down) past which newly flushed
        /// ones are dropped (never numbered nor acknowledged: their senders retry). At 50 ms
        /// windows, 10,000 is 500 room-seconds of chat held in memory.
        public var maxPendingBatches = 10_000
        /// How often a node tells Redis how many members each room has on it, and reads the
        /// sum of every node's; a node silent for three intervals (dead) no longer counts.
        public var presenceIntervalMs = 2000

        public var isEnabled: Bool { !redis.isEmpty }

        /// The parsed URLs (validated by `validate()`).
        public var endpoints: [RedisEndpoint] {
            redis.compactMap { try? RedisEndpoint.parse($0).get() }
        }
    }

    static let clusterSettings: [ChorusSetting] = [
        .strings(
            "cluster.redis", .atRestartOnly, \.cluster.redis, .redisURLs,
            """
            `redis://[:password@]host[:port]` of one Redis, or seeds of one Redis Cluster: nodes with the same \
            list share rooms, numbering, history, counts and idempotency keys; empty (default) = one node on its \
            own with `storage.*`
            """,
            shown: { url in (try? RedisEndpoint.parse(url).get().description) ?? "(invalid)" }),
        .integer(
            "cluster.commandTimeoutMs", .atRestartOnly, \.cluster.commandTimeoutMs, .within(50...60_000),
            "how long to wait for Redis to answer a command before counting it unreachable and retrying"),
        .integer(
            "cluster.maxPendingBatches", .atRestartOnly, \.cluster.maxPendingBatches, .within(1...10_000_000),
            """
            flushed batches waiting for Redis (slow or down) past which new ones are dropped, never acknowledged \
            (their senders retry)
            """),
        .integer(
            "cluster.presenceIntervalMs", .atRestartOnly, \.cluster.presenceIntervalMs, .within(100...60_000),
            """
            how often a node tells Redis its members per room and reads every node's sum (room stats); a node \
            silent for three intervals no longer counts
            """),
    ]
}

extension ChorusSetting.Rule where Value == [String] {
    static var redisURLs: Self {
        Self(accepts: "redis:// URLs") { urls, _ in
            for url in urls {
                if case .failure(let error) = RedisEndpoint.parse(url) { return "\(error)" }
            }
            return Set(urls).count == urls.count ? nil : "names a server twice"
        }
    }
}
