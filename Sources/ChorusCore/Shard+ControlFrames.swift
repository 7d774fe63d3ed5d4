extension Shard {
    /// Rooms with at least one local console, for the periodic `stats` frames.
    public func roomsWithConsoles() -> Set<String> {
        var rooms: Set<String> = []
        for member in members.values where member.role == .console && !member.closing {
            rooms.formUnion(member.rooms.names)
        }
        return rooms
    }

    /// Queues a control frame for every local console in `room` (viewers do not get it).
    public mutating func sendToConsoles(_ frame: Frame, room: String) -> [Action] {
        guard let ids = roomMembers[room] else { return [] }
        return ids.compactMap { id in members[id]?.role == .console ? enqueue(.control(frame), for: id) : nil }
    }

    /// Queues a control frame made for each local member of `room` (a notice in its language).
    public mutating func send(toRoom room: String, _ frame: (ConnectionID) -> Frame) -> [Action] {
        guard let ids = roomMembers[room] else { return [] }
        return ids.compactMap { enqueue(.control(frame($0)), for: $0) }
    }
}
