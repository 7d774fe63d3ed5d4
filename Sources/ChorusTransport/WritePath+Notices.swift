import ChorusCore

/// Notices rendered for the connection that receives them, in its negotiated language, and
/// the frames that carry them.
extension WritePath {
    func localize(_ notice: Notice, for id: ConnectionID) -> LocalizedNotice? {
        relay.localize(notice, declared: connections.declaredLocale(of: id))
    }

    func localize(_ error: ProtocolError, for id: ConnectionID) -> LocalizedNotice? {
        localize(error.notice(maxChatCharacters: maxChatCharacters), for: id)
    }

    /// A standalone `notice` frame (before a close that explains itself).
    func sendNotice(_ notice: Notice, to id: ConnectionID) {
        guard let localized = localize(notice, for: id) else { return }
        send(ServerFrames.notice(localized), to: id)
    }

    func slowModeFrame(room: String, seconds: Int, for id: ConnectionID) -> [UInt8] {
        let notice = seconds > 0 ? Notice(.slowModeOn, integers: ["seconds": seconds]) : Notice(.slowModeOff)
        return ServerFrames.slowMode(room: room, seconds: seconds, notice: localize(notice, for: id))
    }

    /// A room's slow mode changed: each local member gets the frame in its language, encoded
    /// once per declared locale.
    func sendSlowMode(room: String, seconds: Int) {
        var frames: [String: LWSFrame] = [:]
        perform(
            shard.send(toRoom: room) { id in
                let declared = connections.declaredLocale(of: id)
                if let frame = frames[declared] { return frame }
                let frame = LWSFrame(slowModeFrame(room: room, seconds: seconds, for: id))
                frames[declared] = frame
                return frame
            })
    }

    /// Acks whose interactions are now stored; a closed connection's are dropped.
    func sendAcks(_ acks: [PendingAck]) {
        for ack in acks where connections[ack.connection] != nil {
            send(
                ServerFrames.ack(room: ack.room, seq: ack.seq, clientID: ack.clientID, duplicate: ack.duplicate),
                to: ack.connection)
        }
    }

    /// Minutes of the per-minute series in each console `stats` frame.
    static let statsFrameMinutes = 5

    /// Every `stats.consoleIntervalMs`, each local console gets a `stats` frame for each of its
    /// rooms, encoded once per room on this thread, outside the hub lock.
    func sendConsoleStats() {
        let rooms = shard.roomsWithConsoles()
        guard !rooms.isEmpty else { return }
        let stats = relay.withHub { hub in rooms.compactMap { hub.stats(room: $0) } }
        let nowMinute = WallClock.milliseconds() / 60_000
        for room in stats {
            let frame = LWSFrame(room.frame(nowMinute: nowMinute, minutes: Self.statsFrameMinutes))
            statistics.current.statsFrames += 1
            perform(shard.sendToConsoles(frame, room: room.room))
        }
    }
}
