import ChorusServer
import ChorusTransport
import Glibc
import Logging

extension RunCommand {
    /// Debug builds also wait for SIGUSR2: it stalls a service loop for the watchdog's test.
    #if DEBUG
        static let testSignals: [Int32] = [SIGUSR2]
    #else
        static let testSignals: [Int32] = []
    #endif

    /// `WATCHDOG=1` only while every service loop has run its timer within the ping interval
    /// (at least a second: loops tick every 50 ms, and a busy host may delay one): a stalled
    /// loop stops the pings and systemd restarts the daemon.
    static func feedWatchdog(_ notifier: SystemdNotifier, relay: RelayServer, interval: Double, logger: Logger) {
        let stalled = relay.stalledServiceThreads(within: UInt64(max(interval, 1) * 1e9))
        guard stalled.isEmpty else {
            logger.warning(
                "a service loop is stalled: withholding the watchdog ping", metadata: ["threads": "\(stalled)"])
            return
        }
        notifier.notify("WATCHDOG=1")
    }
}
