import ChorusCore

/// A pool's delegate that knows how many of its connections the server has welcomed.
protocol WelcomeCounting: AnyObject {
    var welcomedConnections: Int { get }
}

/// Opens every queued connection and waits for their welcomes, with progress and a time limit.
///
/// Shared by all scenarios: a run measures nothing until its members are in the room, and a
/// server that cannot accept them all in time is itself a result worth printing.
enum ConnectPhase {
    struct Outcome {
        var seconds: Double
        var welcomed: Int
        var failed: Int
        var timedOut: Bool
    }

    /// Viewer path for `room`; the load scenarios keep the default locale and region, `count`
    /// spreads its publishers over several so the daemon's per-region counts are exercised.
    static func viewerPath(
        room: String, user: String, locale: String = "en-US", region: String = "US",
        feed: ViewerFeed = .all
    ) -> String {
        "/v1/viewer?room=\(room)&locale=\(locale)&region=\(region)&user=\(user)"
            + (feed == .all ? "" : "&feed=\(feed.rawValue)")
    }

    /// Pumps `pool` until every queued connection has been welcomed or has failed, or until
    /// `timeoutSeconds` or `deadline` pass, or Ctrl-C.
    static func run(
        pool: ConnectionPool, recorder: some WelcomeCounting, label: String, timeoutSeconds: Double,
        deadline: UInt64, progress: inout ProgressLine
    ) -> Outcome {
        let start = MonotonicClock.now()
        let limit = min(deadline, start + UInt64(timeoutSeconds * 1e9))
        let wanted = pool.connections.count
        var settledAt: UInt64?
        while true {
            pool.pump(timeoutMs: 10)
            let now = MonotonicClock.now()
            let welcomed = recorder.welcomedConnections
            if pool.isSettled {
                if welcomed + pool.closedCount >= pool.openedCount { break }
                // Upgraded but no welcome yet: give the server 2 s more, then move on.
                if let settledAt, now &- settledAt > 2_000_000_000 { break }
                if settledAt == nil { settledAt = now }
            }
            if now >= limit || pool.loop.interrupted {
                progress.note("\(label): connect phase stopped after \(timeoutSeconds) s or Ctrl-C")
                break
            }
            progress.update(now: now) {
                "\(label): connecting \(welcomed)/\(wanted) welcomed, \(pool.failedCount) failed"
            }
        }
        let welcomed = recorder.welcomedConnections
        return Outcome(
            seconds: MonotonicClock.seconds(from: start, to: MonotonicClock.now()),
            welcomed: welcomed, failed: wanted - welcomed, timedOut: !pool.isSettled)
    }

    /// Throws `connectFailed` (and closes the pool) unless enough members joined to run.
    static func require(_ isEnough: Bool, after outcome: Outcome, pool: ConnectionPool) throws(BenchError) {
        guard !isEnough else { return }
        pool.closeAll()
        throw .connectFailed(opened: outcome.welcomed, wanted: pool.connections.count, firstFailure: firstFailure(pool))
    }

    /// The connect figures of a run's `RESULT` line.
    static func report(_ outcome: Outcome, pool: ConnectionPool) -> LoadRunReport.Connect {
        LoadRunReport.Connect(
            wanted: pool.connections.count, welcomed: outcome.welcomed, failed: outcome.failed,
            seconds: Format.round(outcome.seconds, 2), failures: pool.failures)
    }

    /// The most common failure reason, for error messages.
    static func firstFailure(_ pool: ConnectionPool) -> String {
        let reasons = pool.failures.isEmpty ? pool.closes : pool.failures
        let worst = reasons.max { $0.value < $1.value }
        return worst.map { "\($0.key) (×\($0.value))" } ?? "no welcome received"
    }
}
