import ChorusCore

/// The publisher thread's presence rounds (`RoomPresence`): every interval, this node's
/// members of each room it has members in go to Redis, and every live node's sums come back
/// to the hub. A room this node no longer has members in is written once more as empty.
struct PresenceRound {
    let intervalMs: Int64
    private var nextAtMs: Int64 = 0
    /// Rooms written last round: one that is not in this round's is cleared.
    private var written: Set<String> = []

    init(intervalMs: Int64) {
        self.intervalMs = intervalMs
    }

    func isDue(nowMs: Int64) -> Bool { nowMs >= nextAtMs }

    func msUntilDue(nowMs: Int64) -> Int32 { Int32(clamping: max(1, nextAtMs - nowMs)) }

    mutating func run(link: ClusterLink, router: RedisRouter) {
        let nowMs = ClusterLink.wallMilliseconds()
        nextAtMs = nowMs + intervalMs
        let local = link.delivery.presence()
        var sums: [String: (viewers: Int, consoles: Int)] = [:]
        for room in Set(local.keys).union(written) {
            do {
                let sum = try router.run(key: RoomPresence.countsKey(room)) { redis throws(RedisError) in
                    try RoomPresence.update(
                        room: room, node: link.nodeName, members: local[room], nowMs: nowMs, ttlMs: 3 * intervalMs,
                        on: redis)
                }
                if local[room] != nil { sums[room] = sum }
            } catch {
                return  // Redis is failing: the publisher notices and reports it
            }
        }
        written = Set(local.keys)
        link.delivery.adoptPresence(sums)
    }
}
