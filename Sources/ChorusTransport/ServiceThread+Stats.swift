import ChorusCore

extension ServiceThread {
    /// Minutes of the per-minute series in each console `stats` frame.
    static let statsFrameMinutes = 5

    /// Every `stats.consoleIntervalMs`, each local console gets a `stats` frame for each of its
    /// rooms, encoded once per room on this thread, outside the hub lock. Service thread only.
    func sendConsoleStats() {
        let rooms = shard.roomsWithConsoles()
        guard !rooms.isEmpty else { return }
        let stats = relay.withHub { hub in rooms.compactMap { hub.stats(room: $0) } }
        let nowMinute = WallClock.milliseconds() / 60_000
        for room in stats {
            let frame = LWSFrame(room.frame(nowMinute: nowMinute, minutes: Self.statsFrameMinutes))
            statistics.statsFrames += 1
            perform(shard.sendToConsoles(frame, room: room.room))
        }
    }
}
