import CLibWebSockets
import ChorusCore

/// The service thread's timer: thread 0 ticks at each pending batch's deadline (and flushes
/// it), every thread at least every `RelayServer.housekeepingNanoseconds` for heartbeats,
/// statistics and sweeps.
extension ServiceThread {
    /// (Re)schedules this thread's tick for `deadline` (monotonic ns). Service thread only.
    func scheduleTick(at deadline: UInt64) {
        if tickTimer == nil {
            let size = MemoryLayout<lws_sorted_usec_list_t>.stride + MemoryLayout<UnsafeRawPointer>.size
            tickTimer = .allocate(byteCount: size, alignment: 16)
            tickTimer!.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            (tickTimer! + MemoryLayout<lws_sorted_usec_list_t>.stride).storeBytes(
                of: Unmanaged.passUnretained(self).toOpaque(), as: UnsafeMutableRawPointer.self)
        }
        tickAt = deadline
        let now = MonotonicClock.nanoseconds()
        let delayMicroseconds = deadline > now ? (deadline - now) / 1000 : 0
        let sul = tickTimer!.assumingMemoryBound(to: lws_sorted_usec_list_t.self)
        lws_sul_schedule(context, 0, sul, serviceTickCallback, lws_usec_t(delayMicroseconds))
    }

    /// A batch is due at `deadline`: tick by then if the timer is set later.
    func tick(by deadline: UInt64) {
        if deadline < tickAt { scheduleTick(at: deadline) }
    }

    fileprivate func tick() {
        if stopping { return }
        let now = MonotonicClock.nanoseconds()
        var next = now &+ RelayServer.housekeepingNanoseconds
        if index == 0 {
            let earliest = now &+ relay.minimumTickNanoseconds
            relay.withHub { hub in
                relay.dispatch(hub.tick(now: now))
                if let deadline = hub.nextFlushDeadline() { next = max(earliest, min(next, deadline)) }
                relay.flushTimerAt.store(next, ordering: .relaxed)
            }
        }
        if ingress.shouldResumeAll(pending: relay.pendingDeliveries.load(ordering: .relaxed)) {
            for id in pausedReaders {
                if let wsi = connections[id]?.wsi { lws_rx_flow_control(wsi, 1) }
            }
            pausedReaders.removeAll()
        }
        visitHeartbeats(now: now)
        if now &- lastWriteSweep >= 1_000_000_000 {
            lastWriteSweep = now
            closeStalledWriters(now: now)
        }
        let statsInterval = UInt64(relay.config.stats.consoleIntervalMs) * 1_000_000
        if statsInterval > 0, now &- lastConsoleStats >= statsInterval {
            lastConsoleStats = now
            sendConsoleStats()
        }
        publishStatistics()
        scheduleTick(at: next)
    }

    /// Connections with something queued and no write going out for
    /// `transport.writeTimeoutSeconds` (a peer whose TCP window stays shut) are killed by lws
    /// at once: pings cannot reach a peer that reads nothing.
    private func closeStalledWriters(now: UInt64) {
        let timeout = UInt64(relay.config.transport.writeTimeoutSeconds) * 1_000_000_000
        for (id, connection) in connections
        where connection.writeProgressAt != 0 && now &- connection.writeProgressAt > timeout {
            connection.writeProgressAt = 0
            statistics.writeTimeouts += 1
            drop(id, connection, why: .writeTimeout)
        }
    }

    fileprivate static func owner(of sul: UnsafeMutablePointer<lws_sorted_usec_list_t>) -> ServiceThread {
        let raw = UnsafeMutableRawPointer(sul) + MemoryLayout<lws_sorted_usec_list_t>.stride
        return Unmanaged<ServiceThread>.fromOpaque(raw.load(as: UnsafeMutableRawPointer.self))
            .takeUnretainedValue()
    }
}

private func serviceTickCallback(_ sul: UnsafeMutablePointer<lws_sorted_usec_list_t>?) {
    guard let sul else { return }
    ServiceThread.owner(of: sul).tick()
}
