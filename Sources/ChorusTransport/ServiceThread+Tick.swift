import ChorusCore

/// The service thread's timer (`TickTimer`): thread 0 ticks at each pending batch's deadline
/// (and flushes it), every thread at least every `RelayServer.housekeepingNanoseconds` for
/// heartbeats, statistics and sweeps.
extension ServiceThread {
    func tick() {
        owner.assertOnOwner()
        if stopping { return }
        let now = MonotonicClock.nanoseconds()
        mailbox.noteTick(now)
        var next = now &+ RelayServer.housekeepingNanoseconds
        if index == 0 {
            let earliest = now &+ minimumTickNanoseconds
            relay.withHub { hub in
                relay.dispatch(hub.tick(now: now))
                if let deadline = hub.nextFlushDeadline() { next = max(earliest, min(next, deadline)) }
                relay.flushTimerAt.store(next, ordering: .relaxed)
            }
        }
        limits.resumeIfCaughtUp()
        heartbeat.visitDue(now: now)
        if now &- lastWriteSweep >= 1_000_000_000 {
            lastWriteSweep = now
            writePath.closeStalledWriters(now: now)
        }
        if consoleStatsNanoseconds > 0, now &- lastConsoleStats >= consoleStatsNanoseconds {
            lastConsoleStats = now
            writePath.sendConsoleStats()
        }
        publishStatistics()
        timer.schedule(at: next)
    }
}

/// The timer's C callback (`chorus_lws_timer_fired`): `owner` is the `ServiceThread`.
func serviceTimerFired(_ owner: UnsafeMutableRawPointer?) {
    guard let owner else { return }
    Unmanaged<ServiceThread>.fromOpaque(owner).takeUnretainedValue().tick()
}
