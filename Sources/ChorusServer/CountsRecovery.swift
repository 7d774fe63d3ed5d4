public import ChorusCore
import ChorusStorage
public import ChorusTransport
import Foundation
public import Logging

/// Start-up with durable counts: opens `<stateDir>/counters.sqlite3` and gives the hub every
/// room's stored totals before the relay accepts anyone, logging how long that took.
public enum CountsRecovery {
    public struct Opened {
        public var store: any CounterStore
        public var interactions: UInt64
        public var seconds: Double
    }

    public static func open(config: ChorusConfig, into relay: RelayServer, logger: Logger) throws(StorageError)
        -> Opened
    {
        let started = DispatchTime.now().uptimeNanoseconds
        let store = try SQLiteCounterStore(
            path: config.stateDir + "/counters.sqlite3", syncEveryCommit: config.storage.syncEveryCommit,
            idempotencyKeys: config.storage.idempotencyKeys)
        let rooms = try store.loadRoomCounters()
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let series = try store.loadMinuteSeries(since: nowMs / 60_000 - Int64(config.stats.seriesMinutes) + 1)
        let keys = try store.loadIdempotencyKeys(nowMs: nowMs, limit: config.storage.idempotencyKeys)
        let sequences = try store.loadRoomSequences()
        relay.withHub { hub in
            hub.restore(rooms)
            hub.restoreSequences(sequences)
            hub.restoreSeries(series)
            hub.restoreIdempotencyKeys(keys, wallMs: nowMs)
        }
        let interactions = rooms.values.reduce(0) { $0 + $1.total }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        logger.notice(
            "counts recovered",
            metadata: [
                "interactions": "\(interactions)", "rooms": "\(rooms.count)", "idempotency_keys": "\(keys.count)",
                "seconds": "\(String(format: "%.3f", seconds))", "path": "\(store.path)",
            ])
        return Opened(store: store, interactions: interactions, seconds: seconds)
    }
}
