import ChorusCore

/// Notices rendered for the connection that receives them, in its negotiated language.
/// Service thread only (reads `connections`).
extension ServiceThread {
    /// The BCP 47 tag a connection's notices are negotiated from.
    func declaredLocale(of id: ConnectionID) -> String {
        connections[id]?.author?.locale ?? consoleLocales[id] ?? NoticeCatalog.fallbackTag
    }

    func localize(_ notice: Notice, for id: ConnectionID) -> LocalizedNotice? {
        relay.localize(notice, declared: declaredLocale(of: id))
    }

    func localize(_ error: ProtocolError, for id: ConnectionID) -> LocalizedNotice? {
        localize(error.notice(maxChatCharacters: relay.config.limits.maxChatChars), for: id)
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
                let declared = declaredLocale(of: id)
                if let frame = frames[declared] { return frame }
                let frame = LWSFrame(slowModeFrame(room: room, seconds: seconds, for: id))
                frames[declared] = frame
                return frame
            })
    }

    /// A standalone `notice` frame (before a close that explains itself).
    func sendNotice(_ notice: Notice, to id: ConnectionID) {
        guard let localized = localize(notice, for: id) else { return }
        send(ServerFrames.notice(localized), to: id)
    }
}
