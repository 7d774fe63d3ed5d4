public import ChorusCore
import Glibc

/// SIGHUP's settings: the relay takes a configuration the executable read and the core judged
/// (`ConfigReload.applied`), and each part that reads it adopts it where it lives: the hub
/// under its lock, each service thread on its own thread through its mailbox, the console
/// secret behind its lock. Connections stay open; new values apply to what happens next.
extension RelayServer {
    /// The configuration in force (the start's, then the last reload's). Any thread; service
    /// threads read their own copy instead.
    public var configInForce: ChorusConfig { inForce.withLock { $0 } }

    /// Longest wait for the service threads to adopt a reload; a stalled one (the watchdog's
    /// business) must not hold the signal loop, and adopts it when it runs again.
    static let adoptionWaitNanoseconds: UInt64 = 5_000_000_000

    /// Any thread (the executable's signal loop). `config`'s restart-only settings are expected
    /// to be the ones in force (`ConfigReload` keeps them); the service thread count always is.
    /// Returns once the hub, the secret and every service thread use the new values, so that
    /// what happens after it (`READY=1`, a client's next message) sees them; or, past
    /// `adoptionWaitNanoseconds`, the threads that have not adopted them yet.
    @discardableResult
    public func reload(_ config: ChorusConfig, consoleSecret secret: [UInt8]) -> [Int] {
        var config = config
        config.transport.serviceThreads = mailboxes.count
        inForce.withLock { $0 = config }
        consoleSecret.withLock { $0 = secret }
        let hubConfiguration = Hub.Configuration(config, shardCount: mailboxes.count)
        withHub { hub in hub.reconfigure(hubConfiguration) }
        let generation = configGeneration.add(1, ordering: .relaxed).newValue
        for mailbox in mailboxes { mailbox.post(.reconfigure(config, generation: generation)) }
        let deadline = MonotonicClock.nanoseconds() + Self.adoptionWaitNanoseconds
        while true {
            let behind = mailboxes.filter { $0.adoptedGeneration < generation }.map(\.index)
            if behind.isEmpty || MonotonicClock.nanoseconds() >= deadline { return behind }
            usleep(1000)
        }
    }
}
