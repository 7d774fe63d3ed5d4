/// Open WebSocket connections per remote IP address, across every service thread.
///
/// Threads: any service thread, briefly, when a connection is established and when it closes;
/// its own lock, so a flood of connections from one address never waits on the hub.
final class PeerConnectionTable: Sendable {
    private let counts = Locked<[PeerAddress: Int]>([:])

    /// Counts one more connection from `peer` unless it already has `limit`.
    func admit(_ peer: PeerAddress, limit: Int) -> Bool {
        counts.withLock { counts in
            let open = counts[peer, default: 0]
            guard open < limit else { return false }
            counts[peer] = open + 1
            return true
        }
    }

    /// A connection counted by `admit` closed.
    func release(_ peer: PeerAddress) {
        counts.withLock { counts in
            guard let open = counts[peer] else { return }
            // Forget addresses with nothing open, so the table only holds current peers.
            counts[peer] = open > 1 ? open - 1 : nil
        }
    }
}
