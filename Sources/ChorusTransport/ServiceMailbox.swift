import CLibWebSockets
import ChorusCore
import ChorusSync
import Synchronization

/// What other threads may do with a service thread: post work to its inbox (waking its loop
/// with `lws_cancel_service`, the one lws call that is safe from another thread) and read the
/// statistics it publishes. Everything else of a service thread is its own (`ServiceThread`).
final class ServiceMailbox: @unchecked Sendable {
    enum Message: Sendable {
        case deliver(RoomBatch)
        /// Tell every local member of the room that its slow mode changed, each in its language.
        case slowMode(room: String, seconds: Int)
        /// Send these acks: their interactions are stored.
        case acks([PendingAck])
        /// A batch is due at this moment (monotonic ns): tick by then (thread 0).
        case flushBy(UInt64)
        /// A drain wave: stop accepting, and close up to this many more connections with 1001
        /// once their queues are written (`Int.max`: every one).
        case drain(upTo: Int)
        case stop
        /// Load the TLS certificate and key again for connections accepted from now on.
        case reloadTLS(generation: Int)
        /// Adopt this configuration's run-time settings (SIGHUP): the thread's copy is its own.
        /// The generation is published once adopted (`noteAdopted`), which the reload waits for.
        case reconfigure(ChorusConfig, generation: Int)
        #if DEBUG
            /// Test hook (debug builds only): block the service loop this long, as a stalled
            /// loop would, so the watchdog's silence can be tested.
            case stallForTest(seconds: Double)
        #endif
    }

    let index: Int
    private let inbox = Inbox<Message>()
    private let statistics = Locked(TransportStatistics())
    /// When the service loop last ran its timer (monotonic ns): what the watchdog checks.
    private let lastTick = Atomic<UInt64>(0)
    /// The last configuration generation the thread adopted (`RelayServer.reload`).
    private let adopted = Atomic<Int>(0)
    /// The service thread's lws context: set before the thread starts, cleared (under the
    /// lock) before the thread destroys it, so a wake-up never reaches a destroyed context.
    private let context = Locked<OpaquePointer?>(nil)

    init(index: Int) {
        self.index = index
    }

    /// Any thread: queue work and wake the service loop if it may be sleeping.
    func post(_ message: Message) {
        guard inbox.post(message) else { return }
        context.withLock { context in
            if let context { lws_cancel_service(context) }
        }
    }

    /// The service thread only.
    func takeAll() -> [Message] {
        inbox.takeAll()
    }

    /// The service thread (and, before it starts, its creator).
    func attach(_ context: OpaquePointer?) {
        self.context.withLock { $0 = context }
    }

    func publish(_ snapshot: TransportStatistics) {
        statistics.withLock { $0 = snapshot }
    }

    /// The service thread, on every tick.
    func noteTick(_ now: UInt64) {
        lastTick.store(now, ordering: .relaxed)
    }

    /// Any thread: when the loop last ticked (0 before its first tick).
    var lastTickNanoseconds: UInt64 { lastTick.load(ordering: .relaxed) }

    /// The service thread, once it adopted a reloaded configuration.
    func noteAdopted(generation: Int) {
        adopted.store(generation, ordering: .releasing)
    }

    /// Any thread: the last configuration generation the thread adopted (0: the start's).
    var adoptedGeneration: Int { adopted.load(ordering: .acquiring) }

    func publishedStatistics() -> TransportStatistics {
        statistics.withLock { $0 }
    }
}
