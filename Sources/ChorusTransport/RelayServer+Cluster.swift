public import ChorusCore

/// The transport's side of cluster mode (`Hub+Cluster.swift`): flushed cluster batches go to
/// the broker; numbered batches, gaps and acks come back from it.
extension RelayServer {
    /// Before threads start: where cluster batches go.
    public func attach(clusterBroker: any ClusterBroker) {
        self.clusterBroker.withLock { $0 = clusterBroker }
    }

    /// A service thread, before a member joins `room`: on the room's first join on this node
    /// the broker reads where the room stands in Redis (one round trip). False when Redis did
    /// not answer: the member is closed with 1013 and comes back.
    func syncClusterRoom(_ room: String, mayOpen: Bool) -> Bool {
        guard let broker = clusterBroker.withLock({ $0 }) else { return true }
        let known = withHub { hub -> Bool? in
            if hub.isSynced(room: room) { return nil }
            return hub.roomExists(room) || mayOpen || hub.configuration.autoCreateRooms
        }
        guard let known else { return true }
        guard known else { return true }  // unknown room: the join refuses it
        do {
            try broker.sync(room: room) { state in
                let now = MonotonicClock.nanoseconds()
                if state.slowModeSeconds > 0 { slowModeInUse.store(true, ordering: .releasing) }
                _ = withHub { hub in
                    hub.sync(
                        room: room, through: state.through, history: state.history, counts: state.counts,
                        slowModeSeconds: state.slowModeSeconds, mayOpen: mayOpen, now: now)
                }
            }
            return true
        } catch {
            logger.warning("cluster: cannot sync a room", metadata: ["room": "\(room)", "error": "\(error)"])
            return false
        }
    }

    /// Any thread (the broker's): a batch Redis numbered, in the room's order.
    public func deliverFromCluster(room: String, range: ClosedRange<UInt64>, messages: [RoomMessage]) {
        let now = MonotonicClock.nanoseconds()
        withHub { hub in
            if let action = hub.deliverFromCluster(room: room, range: range, messages: messages, now: now) {
                dispatch(action)
            }
        }
    }

    /// Any thread (the broker's): numbers lost for good in `room`.
    public func gapFromCluster(room: String, range: ClosedRange<UInt64>) {
        withHub { hub in
            if let action = hub.gapFromCluster(room: room, range: range) { dispatch(action) }
        }
    }
}
