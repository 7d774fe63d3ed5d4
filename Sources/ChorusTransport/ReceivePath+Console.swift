import ChorusCore

/// Consoles' commands: rooms joined and left after the handshake, and slow mode. The token a
/// console connected with says which rooms it may touch.
extension ReceivePath {
    func subscribe(_ id: ConnectionID, _ connection: Connection, rooms: [String]) {
        guard let token = connection.console?.token else { return }
        for room in rooms {
            guard token.allows(room: room) else {
                reject(id, .forbidden(room: room))
                continue
            }
            guard !writePath.shard.rooms(of: id).contains(room) else { continue }
            if case .joined(let seq) = handshake.joinConsole(id, room: room).0 {
                writePath.send(ServerFrames.subscribed(room: room, seq: seq), to: id)
            }
        }
    }

    func unsubscribe(_ id: ConnectionID, rooms: [String]) {
        let now = MonotonicClock.nanoseconds()
        for room in rooms where writePath.shard.leave(id, room: room) {
            relay.withHub { hub in hub.leave(room: room, role: .console, shard: shardIndex, now: now) }
            writePath.send(ServerFrames.unsubscribed(room: room), to: id)
        }
    }

    /// A console sets a room's slow mode; every member of the room is told with a `slowmode`
    /// frame, and so is the console itself when it is not in the room.
    func setSlowMode(_ id: ConnectionID, _ connection: Connection, room: String, seconds: Int) {
        guard let token = connection.console?.token else { return }
        guard token.allows(room: room) else { return reject(id, .forbidden(room: room)) }
        guard relay.setSlowMode(room: room, seconds: seconds) != .unknownRoom else {
            return reject(id, .invalidField(name: "room", reason: "names a room that does not exist"))
        }
        if !writePath.shard.rooms(of: id).contains(room) {
            writePath.send(writePath.slowModeFrame(room: room, seconds: seconds, for: id), to: id)
        }
    }
}
