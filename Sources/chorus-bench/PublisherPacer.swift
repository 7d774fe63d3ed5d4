/// Drives one step's send window: every publisher sends at its share of the step's rate, on a
/// schedule fixed at the step start, while the pool keeps reading.
///
/// Publishers are numbered room by room. Each starts at its own phase offset so the sends of all
/// rooms and publishers interleave evenly instead of bursting at every tick; intended send times
/// are computed from the start rather than accumulated, so rounding never drifts the rate.
struct PublisherPacer {
    let start: UInt64
    let end: UInt64
    private let interval: Double
    private var phase: [Double]
    private var nextDue: [UInt64]
    private var sentInStep: [Int]
    /// Reused for every publisher's due times (no allocation per pass).
    private var dueTimes: [UInt64] = []
    /// How far behind its schedule the bench sent (high values: the bench is saturated), ns.
    private(set) var maxLag: UInt64 = 0
    /// Longest single pass of the event loop while sending (a stall adds latency), ns.
    private(set) var maxLoopGap: UInt64 = 0
    /// When `run` stopped sending.
    private(set) var sendEnd: UInt64 = 0

    /// A schedule for every publisher of `plan`, each room at `roomRate` msg/s, starting in 1 ms.
    init(plan: LoadPlan, roomRate: Double) {
        self.init(
            start: MonotonicClock.now() + 1_000_000, seconds: plan.stepSeconds, roomRate: roomRate,
            rooms: plan.rooms.count, publishersPerRoom: plan.publishersPerRoom)
    }

    /// A schedule for `rooms` × `publishersPerRoom` publishers, each room at `roomRate` msg/s.
    init(start: UInt64, seconds: Double, roomRate: Double, rooms: Int, publishersPerRoom: Int) {
        self.start = start
        end = start + UInt64(seconds * 1e9)
        interval = 1e9 / (roomRate / Double(publishersPerRoom))
        let roomSpacing = 1e9 / (roomRate * Double(rooms))
        phase = (0..<rooms * publishersPerRoom).map { index in
            let room = index / publishersPerRoom
            let local = index % publishersPerRoom
            return Double(local) * 1e9 / roomRate + Double(room) * roomSpacing
        }
        nextDue = phase.map { start + UInt64($0) }
        sentInStep = Array(repeating: 0, count: phase.count)
    }

    /// Sends until the step ends or `isStopped()`; returns the resources used meanwhile.
    /// `send(publisher, dueTimes)` gets every message a publisher owes (intended send times) and
    /// should write them with one flush. Once a second `status(elapsed)` goes to `progress`,
    /// followed by the server's CPU and RSS when there is a server to sample.
    mutating func run(
        pool: ConnectionPool, progress: inout ProgressLine, serverPID: Int32?, isStopped: () -> Bool,
        status: (_ elapsed: UInt64) -> String, send: (_ publisher: Int, _ dueTimes: [UInt64]) -> Void
    ) -> StepResources {
        let before = StepResources.Snapshot.take(serverPID: serverPID)
        defer { sendEnd = MonotonicClock.now() }
        var now = MonotonicClock.now()
        while !isStopped() {
            let passStart = now
            // Everything due before `end` is sent, even if the loop wakes up after it.
            let horizon = min(now, end - 1)
            for index in nextDue.indices where nextDue[index] <= horizon {
                dueTimes.removeAll(keepingCapacity: true)
                while nextDue[index] <= horizon {
                    maxLag = max(maxLag, now - nextDue[index])
                    dueTimes.append(nextDue[index])
                    sentInStep[index] += 1
                    nextDue[index] = start + UInt64(phase[index] + Double(sentInStep[index]) * interval)
                }
                send(index, dueTimes)
            }
            if now >= end { break }
            pool.pump(timeoutMs: 1)
            now = MonotonicClock.now()
            maxLoopGap = max(maxLoopGap, now &- passStart)
            progress.update(now: now) {
                status(now &- start) + StepResources.serverProgress(pid: serverPID, since: before.server)
            }
        }
        return StepResources(from: before, to: StepResources.Snapshot.take(serverPID: serverPID))
    }
}
