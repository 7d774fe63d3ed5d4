import Glibc

/// The one epoll instance of a bench process, plus a signalfd for Ctrl-C.
///
/// The bench runs every socket on a single thread: one loop owns all connections, so there is
/// no shared mutable state and nothing for Swift 6 strict concurrency to object to. Interest is
/// level-triggered: a busy connection is read once per wakeup, which keeps thousands of viewers
/// fair without per-connection read budgets.
final class EventLoop {
    /// Token reserved for the signalfd; connection tokens are their indexes.
    private static let signalToken = UInt64.max

    private let api: LinuxEpoll
    private let epollFD: Int32
    private let signalFD: Int32
    private let capacity: Int
    private let events: UnsafeMutableRawPointer

    /// Set once SIGINT or SIGTERM arrived; scenarios stop sending and report what they have.
    private(set) var interrupted = false

    /// `capacity` bounds the events handled per `poll`: small enough that publishers, which
    /// send between polls, are not held up behind a thousand busy viewers.
    init(capacity: Int = 256) throws(BenchError) {
        api = try LinuxEpoll()
        epollFD = api.create1(LinuxEpoll.closeOnExec)
        guard epollFD >= 0 else { throw .systemCall(name: "epoll_create1", errno: errno) }
        self.capacity = capacity
        events = .allocate(byteCount: capacity * LinuxEpoll.eventSize, alignment: 8)

        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigaddset(&mask, SIGTERM)
        sigprocmask(SIG_BLOCK, &mask, nil)
        signalFD = api.signalFD(-1, &mask, LinuxEpoll.nonBlocking | LinuxEpoll.closeOnExec)
        if signalFD >= 0 {
            try register(fd: signalFD, token: Self.signalToken, events: LinuxEpoll.readable)
        }
    }

    deinit {
        events.deallocate()
        close(epollFD)
        if signalFD >= 0 { close(signalFD) }
    }

    func register(fd: Int32, token: UInt64, events mask: UInt32) throws(BenchError) {
        try control(LinuxEpoll.controlAdd, fd: fd, token: token, events: mask)
    }

    func modify(fd: Int32, token: UInt64, events mask: UInt32) throws(BenchError) {
        try control(LinuxEpoll.controlModify, fd: fd, token: token, events: mask)
    }

    /// Removes `fd`; closing a descriptor removes it too, so failures are ignored.
    func deregister(fd: Int32) {
        _ = api.control(epollFD, LinuxEpoll.controlDelete, fd, nil)
    }

    /// Waits up to `timeoutMs` and calls `handler(token, events)` for each ready
    /// descriptor. Returns the number of connection events handled.
    @discardableResult
    func poll(
        timeoutMs: Int32, _ handler: (UInt64, UInt32) -> Void
    ) -> Int {
        let ready = api.wait(epollFD, events, Int32(capacity), timeoutMs)
        guard ready > 0 else { return 0 }
        var handled = 0
        for index in 0..<Int(ready) {
            let (mask, token) = LinuxEpoll.load(from: events, index: index)
            if token == Self.signalToken {
                drainSignals()
            } else {
                handler(token, mask)
                handled += 1
            }
        }
        return handled
    }

    private func drainSignals() {
        var info = [UInt8](repeating: 0, count: 128)
        while read(signalFD, &info, info.count) > 0 { interrupted = true }
    }

    private func control(
        _ operation: Int32, fd: Int32, token: UInt64, events mask: UInt32
    ) throws(BenchError) {
        var event: (UInt64, UInt64) = (0, 0)
        let result = withUnsafeMutableBytes(of: &event) { buffer in
            LinuxEpoll.store(events: mask, token: token, into: buffer.baseAddress!)
            return api.control(epollFD, operation, fd, buffer.baseAddress)
        }
        guard result == 0 else { throw .systemCall(name: "epoll_ctl", errno: errno) }
    }
}
