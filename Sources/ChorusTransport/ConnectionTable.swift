import ChorusCore

/// One service thread's open WebSocket connections by ID. Every component of the thread
/// reaches a connection through here, so this is where thread ownership is checked (debug
/// builds; `ThreadOwner`).
final class ConnectionTable {
    private let owner: ThreadOwner
    private var connections: [ConnectionID: Connection] = [:]

    init(owner: ThreadOwner) {
        self.owner = owner
    }

    subscript(id: ConnectionID) -> Connection? {
        owner.assertOnOwner()
        return connections[id]
    }

    func insert(_ connection: Connection, as id: ConnectionID) {
        owner.assertOnOwner()
        connections[id] = connection
    }

    func remove(_ id: ConnectionID) -> Connection? {
        owner.assertOnOwner()
        return connections.removeValue(forKey: id)
    }

    /// Every connection, for sweeps and the graceful stop. `body` must not add or remove
    /// connections (asking lws to close one is fine: CLOSED comes in a later callback).
    func forEach(_ body: (ConnectionID, Connection) -> Void) {
        owner.assertOnOwner()
        for (id, connection) in connections { body(id, connection) }
    }

    /// The BCP 47 tag a connection's notices are negotiated from.
    func declaredLocale(of id: ConnectionID) -> String {
        self[id]?.declaredLocale ?? NoticeCatalog.fallbackTag
    }
}

/// The counters a service thread keeps for `/metrics`, shared by its components and
/// published to the thread's mailbox on each tick.
final class ThreadStatistics {
    var current = TransportStatistics()
}
