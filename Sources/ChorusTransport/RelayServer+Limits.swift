import ChorusCore

/// Slow mode across service threads: the state is the hub's (behind its lock); notices of a
/// change go to the threads with members in the room through their inboxes.
extension RelayServer {
    /// The room's slow mode in seconds (0: off). Takes the hub lock only once slow mode has
    /// been used at all, so chat pays nothing for it on a daemon that never uses it.
    func slowModeSeconds(room: String) -> Int {
        guard slowModeInUse.load(ordering: .acquiring) else { return 0 }
        return withHub { $0.slowModeSeconds(room: room) }
    }

    /// Sets the room's slow mode and tells every thread with members in the room, under the
    /// hub lock so the notice keeps its place among the room's batches. In a cluster a
    /// console's change is shared with every node (`share`).
    func setSlowMode(room: String, seconds: Int, share: Bool = true) -> Hub.SlowModeOutcome {
        if seconds > 0 { slowModeInUse.store(true, ordering: .releasing) }
        let outcome = withHub { hub in
            let outcome = hub.setSlowMode(room: room, seconds: seconds)
            if case .changed(let shards) = outcome {
                for shard in shards { mailboxes[shard].post(.slowMode(room: room, seconds: seconds)) }
            }
            return outcome
        }
        if share, outcome != .unknownRoom, let broker = clusterBroker.withLock({ $0 }) {
            broker.shareSlowMode(room: room, seconds: seconds)
        }
        return outcome
    }

    /// Any thread (the cluster's): a console on another node changed the room's slow mode.
    /// The node that set it hears its own change back and leaves it be.
    public func applyClusterSlowMode(room: String, seconds: Int) {
        guard withHub({ $0.roomExists(room) && $0.slowModeSeconds(room: room) != seconds }) else { return }
        _ = setSlowMode(room: room, seconds: seconds, share: false)
    }
}
