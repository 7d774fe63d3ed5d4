import Glibc

/// Receives process signals synchronously. Construct it before starting any thread: it
/// blocks the signals in the calling thread, and threads started later inherit the mask,
/// so the signals queue up for `wait` instead of interrupting service threads.
struct SignalWaiter {
    private var set = sigset_t()

    init(signals: [Int32]) {
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// The signal received, or 0 when the timeout passed first.
    func wait(timeoutSeconds: Double) -> Int32 {
        var timeout = timespec(
            tv_sec: Int(timeoutSeconds), tv_nsec: Int((timeoutSeconds - Double(Int(timeoutSeconds))) * 1e9))
        var pending = set
        let received = sigtimedwait(&pending, nil, &timeout)
        return received > 0 ? received : 0
    }
}
