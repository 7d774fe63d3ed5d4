import CChorusLWS
import ChorusCore

/// A service thread's one lws timer (`chorus_lws_timer` in the shim: lws's timer struct and
/// its owner side by side, so Swift never offsets into lws structs). Thread 0's fires at the
/// earliest pending batch's deadline; every thread's at least every
/// `RelayServer.housekeepingNanoseconds`. Service thread only.
final class TickTimer {
    private var timer: OpaquePointer?
    private var context: OpaquePointer?
    /// When the timer is due next (monotonic ns).
    private(set) var dueAt: UInt64 = .max

    deinit {
        // The context that could still fire it is destroyed by now (`ServiceThread.run`).
        if let timer { chorus_lws_timer_free(timer) }
    }

    /// Binds the timer to its context; `fired(owner)` runs on the service thread when it is due.
    func attach(
        to context: OpaquePointer, owner: UnsafeMutableRawPointer, fired: chorus_lws_timer_fired
    ) throws(TransportError) {
        self.context = context
        guard let created = chorus_lws_timer_new(owner, fired) else { throw .timerCreationFailed }
        timer = created
    }

    /// (Re)schedules the timer for `deadline` (monotonic ns).
    func schedule(at deadline: UInt64) {
        guard let timer else { return }
        dueAt = deadline
        let now = MonotonicClock.nanoseconds()
        let delayMicroseconds = deadline > now ? (deadline - now) / 1000 : 0
        chorus_lws_timer_schedule(context, timer, Int64(delayMicroseconds))
    }

    /// A batch is due at `deadline`: fire by then if the timer is set later.
    func fire(by deadline: UInt64) {
        if deadline < dueAt { schedule(at: deadline) }
    }
}
