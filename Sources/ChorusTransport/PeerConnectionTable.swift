import ChorusSync

/// Open sockets per remote IP address, across every service thread.
///
/// Threads: any service thread, briefly, when a socket is accepted, upgraded and closed; its
/// own lock, so a flood of connections from one address never waits on the hub.
final class PeerConnectionTable: Sendable {
    private let counts = Locked<[PeerAddress: Int]>([:])

    /// Counts one more open socket from `peer`, whatever the limit: the limit is checked at
    /// the upgrade against the exact count (`count`), so a socket over the limit when it was
    /// accepted still counts while it stays open.
    func open(_ peer: PeerAddress) {
        counts.withLock { $0[peer, default: 0] += 1 }
    }

    /// Open sockets from `peer` now, this one included once it was `open`ed.
    func count(_ peer: PeerAddress) -> Int {
        counts.withLock { $0[peer, default: 0] }
    }

    /// Counts one more socket from `peer` unless it already has `limit` (a socket that was not
    /// counted at its accept: the limit was off then).
    func admit(_ peer: PeerAddress, limit: Int) -> Bool {
        counts.withLock { counts in
            let open = counts[peer, default: 0]
            guard open < limit else { return false }
            counts[peer] = open + 1
            return true
        }
    }

    /// A socket counted by `open` or `admit` closed.
    func release(_ peer: PeerAddress) {
        counts.withLock { counts in
            guard let open = counts[peer] else { return }
            // Forget addresses with nothing open, so the table only holds current peers.
            counts[peer] = open > 1 ? open - 1 : nil
        }
    }
}
