import Glibc

/// The service thread that owns a connection table and everything reached through it,
/// checked at run time in debug builds, as swift-nio's `NIOLoopBound` checks its event loop:
/// the thread is recorded when it starts, and the entry points that touch thread-owned state
/// (lws callbacks, the timer, the inbox, `ConnectionTable`) assert they run on it.
///
/// Release builds store nothing and check nothing: the accessors are empty and inline away.
final class ThreadOwner {
    #if DEBUG
        /// Nil until the thread starts: set-up on the bootstrap thread may touch the state
        /// before any service thread exists.
        private var thread: pthread_t?
    #endif

    /// First thing on the owning thread.
    func claim() {
        #if DEBUG
            thread = pthread_self()
        #endif
    }

    @inline(__always)
    func assertOnOwner(file: StaticString = #fileID, line: UInt = #line) {
        #if DEBUG
            if let thread {
                assert(
                    pthread_equal(thread, pthread_self()) != 0, "touched off its service thread", file: file, line: line
                )
            }
        #endif
    }
}
