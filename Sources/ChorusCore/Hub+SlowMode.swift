/// Slow mode: a console asks for a least interval between one viewer's chat messages in a room.
/// The interval lives in the room (here, behind the hub lock, so every service thread sees
/// it); each viewer's last chat time lives with its connection (`InteractionRateLimiter`).
extension Hub {
    public enum SlowModeOutcome: Sendable, Equatable {
        /// Set; tell the members on these shards (every shard with members in the room).
        case changed(shards: [Int])
        case unknownRoom
    }

    /// Sets the room's slow mode; 0 turns it off.
    public mutating func setSlowMode(room name: String, seconds: Int) -> SlowModeOutcome {
        guard let index = rooms.index(forKey: name) else { return .unknownRoom }
        let before = rooms.values[index].slowModeSeconds
        rooms.values[index].slowModeSeconds = seconds
        if before == 0, seconds > 0 { slowModeRoomCount += 1 }
        if before > 0, seconds == 0 { slowModeRoomCount -= 1 }
        return .changed(shards: rooms.values[index].shardsWithMembers)
    }

    /// The room's slow mode in seconds; 0 when off or when the room does not exist.
    public func slowModeSeconds(room name: String) -> Int {
        rooms[name]?.slowModeSeconds ?? 0
    }
}
