/// The shape of a `handshakes` run: how fast new connections start, for how long, how many at once.
struct HandshakePlan {
    var endpoint: LoopbackEndpoint
    var server: ServerKind
    var room: String
    /// New connections per second; 0 starts one whenever fewer than `concurrency` are in flight.
    var rate: Double
    /// Seconds during which new connections start (the measured window).
    var seconds: Double
    /// Connections connecting at once at most (in the paced mode too: a cap, not a target).
    var concurrency: Int
    /// How long connections started in the window may take to finish after it.
    var drainSeconds: Double
    var serverPID: Int32?
    var pool: ConnectionPool.Options
    var deadlineSeconds: Double

    var isPaced: Bool { rate > 0 }

    /// Connections the paced schedule has started by `elapsed` ns after the start: the first at
    /// once, then one every 1/rate s, never more than the window holds.
    func dueCount(elapsedNanoseconds elapsed: UInt64) -> Int {
        let total = Int((rate * seconds).rounded(.down))
        return min(total, Int(Double(elapsed) * rate / 1e9) + 1)
    }

    func validate() throws(BenchError) {
        guard rate >= 0, rate <= 100_000 else {
            throw .invalidOption(name: "--rate", reason: "0 (as fast as possible) to 100,000 per second")
        }
        guard seconds > 0, seconds <= 3_600, drainSeconds >= 0 else {
            throw .invalidOption(name: "--duration/--drain-seconds", reason: "duration in (0, 3600], drain ≥ 0")
        }
        guard concurrency >= 1, concurrency <= ResourceLimits.maxConnections else {
            throw .invalidOption(
                name: "--connect-concurrency", reason: "1 to \(ResourceLimits.maxConnections) (descriptors)")
        }
    }
}
