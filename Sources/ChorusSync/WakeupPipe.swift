import Glibc

/// Wakes a thread that sleeps in `poll`: any thread writes a byte, the sleeping thread polls
/// the read end (with its other descriptors) and drains it. Non-blocking on both ends, so a
/// full pipe (already a pending wake-up) never blocks the waker.
public final class WakeupPipe: @unchecked Sendable {
    public let readDescriptor: Int32
    private let writeDescriptor: Int32

    public init() {
        var descriptors: [Int32] = [-1, -1]
        let status = pipe(&descriptors)
        precondition(status == 0, "cannot create a wake-up pipe: errno \(errno)")
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Any thread.
    public func wake() {
        var one: UInt8 = 1
        _ = write(writeDescriptor, &one, 1)
    }

    /// The sleeping thread, once `poll` reported the read end.
    public func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &bytes, bytes.count) > 0 {}
    }

    /// Sleeps until woken or `timeoutMs` passed (-1: no limit); drains.
    public func wait(timeoutMs: Int32) {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, timeoutMs) > 0 { drain() }
    }
}
