public import ChorusCore
import ChorusSync
public import ChorusTransport
import Foundation
public import Logging
import Prometheus
import Synchronization

/// Group commit of interaction counts: every `storage.commitIntervalMs` its own thread takes
/// what the hub counted since the last commit, stores it in one transaction, and only then
/// releases the acks of those interactions. A failed commit is put back and retried, its acks
/// held, so an acknowledged interaction is always stored. Counts no ack or idempotency key
/// waits on wait up to `storage.quietCommitIntervalMs`: fewer, larger commits for busy rooms
/// without acks.
public final class CounterCommitter: @unchecked Sendable {
    /// Commit figures for `/metrics` (their latencies go to the histogram of
    /// `recordLatencies(in:)`).
    public struct Statistics: Sendable, Equatable {
        public var commits: UInt64 = 0
        public var interactions: UInt64 = 0
        public var failures: UInt64 = 0
    }

    private let relay: RelayServer
    private let store: any CounterStore
    private let intervalMicroseconds: UInt32
    private let quietNanoseconds: UInt64
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    // Locked, not Synchronization.Mutex: ThreadSanitizer cannot see the latter's futex.
    private let statisticsSlot = Locked(Statistics())
    /// Where successful commits' latencies go (`MetricsExporter.attach`); nil: nowhere.
    private let latencies = Locked<DurationHistogram?>(nil)
    /// This minute's commit latencies (ms), logged as p50/p99/max once a minute: the figures
    /// of a whole run survive a `kill -9` in the log, unlike the process's metrics.
    private let minuteLatencies = Locked<(startedAt: UInt64, milliseconds: [Double], interactions: UInt64)>(
        (DispatchTime.now().uptimeNanoseconds, [], 0))

    public init(relay: RelayServer, store: any CounterStore, intervalMs: Int, quietIntervalMs: Int, logger: Logger) {
        self.relay = relay
        self.store = store
        self.intervalMicroseconds = UInt32(intervalMs * 1000)
        self.quietNanoseconds = UInt64(max(intervalMs, quietIntervalMs)) * 1_000_000
        self.logger = logger
    }

    public var statistics: Statistics { statisticsSlot.withLock { $0 } }

    /// Records the latency of every later successful commit in `histogram`.
    func recordLatencies(in histogram: DurationHistogram) {
        latencies.withLock { $0 = histogram }
    }

    public func start() {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) {
                usleep(intervalMicroseconds)
                commit(force: false)
            }
            finished.signal()
        }
        thread.name = "chorus-commit"
        thread.start()
    }

    /// Stores everything counted so far and sends its acks (any thread, but not concurrently
    /// with the committer's own loop: call it after `stop`, or from `RelayServer.stop`'s
    /// `beforeDrain` once the loop has stopped).
    public func commitNow() {
        commit(force: true)
    }

    private func commit(force: Bool) {
        let now = MonotonicClock.nanoseconds()  // the clock the hub stamps counts with
        let quiet = quietNanoseconds
        let batch = relay.withHub { hub in
            force ? hub.takeCommit() : hub.takeCommitIfDue(now: now, quietNanoseconds: quiet)
        }
        guard !batch.isEmpty else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            try store.commit(
                batch.deltas, keys: batch.keys, sequences: batch.sequences,
                nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        } catch {
            relay.withHub { $0.returnCommit(batch) }
            statisticsSlot.withLock { $0.failures += 1 }
            logger.error("cannot store counts; retrying", metadata: ["error": "\(error)"])
            return
        }
        let finished = DispatchTime.now().uptimeNanoseconds
        let milliseconds = Double(finished - started) / 1e6
        latencies.withLock { $0 }?.record(.nanoseconds(Int64(finished - started)))
        if !batch.sequences.isEmpty { relay.withHub { $0.confirmSequences(batch.sequences) } }
        relay.deliverAcks(batch.acks)
        noteForSummary(milliseconds, interactions: batch.interactions, now: finished)
        statisticsSlot.withLock { statistics in
            statistics.commits += 1
            statistics.interactions += batch.interactions
        }
    }

    private func noteForSummary(_ milliseconds: Double, interactions: UInt64, now: UInt64) {
        let due: (milliseconds: [Double], interactions: UInt64, seconds: Double)? = minuteLatencies.withLock { minute in
            minute.milliseconds.append(milliseconds)
            minute.interactions += interactions
            guard now - minute.startedAt >= 60_000_000_000 else { return nil }
            defer { minute = (now, [], 0) }
            return (minute.milliseconds, minute.interactions, Double(now - minute.startedAt) / 1e9)
        }
        guard let due else { return }
        let sorted = due.milliseconds.sorted()
        func percentile(_ p: Double) -> String {
            String(format: "%.2f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p / 100))])
        }
        logger.info(
            "commits",
            metadata: [
                "commits": "\(sorted.count)", "interactions": "\(due.interactions)",
                "seconds": "\(String(format: "%.1f", due.seconds))", "p50_ms": "\(percentile(50))",
                "p99_ms": "\(percentile(99))", "max_ms": "\(String(format: "%.2f", sorted.last ?? 0))",
            ])
    }

    /// Stops the loop (after its current commit); call `commitNow` afterwards for the rest.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
    }
}
