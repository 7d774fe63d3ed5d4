import ChorusCore

extension RelayServer {
    /// The service threads whose loop has not run its timer for `nanoseconds` (every loop
    /// ticks at least every `housekeepingNanoseconds`): systemd's watchdog is fed only while
    /// this is empty, so a stalled loop, not just a live main thread, gets the daemon restarted.
    public func stalledServiceThreads(within nanoseconds: UInt64) -> [Int] {
        let now = MonotonicClock.nanoseconds()
        return mailboxes.filter { mailbox in
            let last = mailbox.lastTickNanoseconds
            return last != 0 && now &- last > nanoseconds
        }.map(\.index)
    }

    #if DEBUG
        /// Test hook (debug builds only): blocks service thread 0's loop for `seconds`.
        public func stallServiceLoopForTest(seconds: Double) {
            mailboxes.first?.post(.stallForTest(seconds: seconds))
        }
    #endif
}
