extension Hub {
    /// Queues an ack to be sent once the commit holding its interaction is durable. Returns
    /// false when counting is not durable (the caller acks at once).
    public mutating func owe(_ ack: PendingAck) -> Bool {
        guard configuration.durableCounting else { return false }
        pendingCommit.acks.append(ack)
        return true
    }

    /// Everything counted since the last call, for the committer to store (under the lock, so
    /// an ack is never taken before the deltas of its interaction).
    public mutating func takeCommit() -> CommitBatch {
        let batch = pendingCommit
        pendingCommit = CommitBatch()
        return batch
    }

    /// What `takeCommit` would return if that commit is due (see `CommitBatch.isDue`), else an
    /// empty batch: counts nobody waits on are stored in fewer, larger commits.
    public mutating func takeCommitIfDue(now: UInt64, quietNanoseconds: UInt64) -> CommitBatch {
        guard pendingCommit.isDue(now: now, quietNanoseconds: quietNanoseconds) else { return CommitBatch() }
        return takeCommit()
    }

    /// Puts back a batch the store refused, so that the next commit retries it.
    public mutating func returnCommit(_ batch: CommitBatch) {
        pendingCommit.merge(batch)
    }

    /// Start-up: counts already stored, by room. Open rooms add them to their counters; the
    /// others get them when they open.
    public mutating func restore(_ stored: [String: InteractionCounters]) {
        for (name, counters) in stored {
            totals.add(counters)
            if rooms[name] != nil {
                rooms[name]!.counters.add(counters)
            } else {
                archivedCounters[name, default: InteractionCounters()].add(counters)
            }
        }
    }

    /// Start-up: stored per-minute counts by room (the last `seriesMinutes` minutes).
    public mutating func restoreSeries(_ stored: [String: [MinuteCount]]) {
        for (name, minutes) in stored {
            totalSeries.add(minutes)
            if rooms[name] != nil {
                rooms[name]!.series.add(minutes)
            } else {
                archivedSeries[name, default: MinuteSeries(capacity: configuration.seriesMinutes)].add(minutes)
            }
        }
    }

    /// Counts of a room that is not open (restored or closed while idle), if any.
    public func archivedStats(room name: String) -> RoomStats? {
        guard let counters = archivedCounters[name] else { return nil }
        return RoomStats(
            room: name, seq: archivedSequence(room: name), viewers: 0, consoles: 0, counters: counters,
            series: archivedSeries[name] ?? MinuteSeries(capacity: configuration.seriesMinutes))
    }
}
