import ChorusCore
import Glibc

extension RelayServer {
    /// Closes the node's connections in waves of `shutdown.drainPerWave`, one wave every
    /// `shutdown.drainWaveIntervalMs`, so a restart of a full node does not send every client
    /// back at once. Each thread takes its share of a wave; waves go on until every connection
    /// has closed or `graceNanoseconds` past the planned last wave, whichever comes first.
    func drainInWaves(graceNanoseconds: UInt64) {
        let shutdown = configInForce.shutdown
        let perWave = shutdown.drainPerWave
        let perThread = max(1, (perWave + mailboxes.count - 1) / mailboxes.count)
        let interval = max(UInt64(shutdown.drainWaveIntervalMs) * 1_000_000, 5_000_000)
        let open = openConnections.load(ordering: .acquiring)
        let waves = UInt64(max(1, (open + perWave - 1) / perWave))
        let deadline = MonotonicClock.nanoseconds() + (waves - 1) * interval + graceNanoseconds
        logger.info(
            "draining", metadata: ["connections": "\(open)", "waves": "\(waves)", "perWave": "\(perWave)"])
        while MonotonicClock.nanoseconds() < deadline {
            for mailbox in mailboxes { mailbox.post(.drain(upTo: perThread)) }
            let next = MonotonicClock.nanoseconds() + interval
            while openConnections.load(ordering: .acquiring) > 0, MonotonicClock.nanoseconds() < min(next, deadline) {
                usleep(5_000)
            }
            if openConnections.load(ordering: .acquiring) == 0 { return }
        }
    }
}
