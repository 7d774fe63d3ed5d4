import ChorusCore

/// A reload's settings on this service thread: every component keeps its own copy of what it
/// reads on its hot paths, so no thread reads a configuration another one writes. The message
/// arrives through the mailbox (`ServiceMailbox.Message.reconfigure`) and is adopted between
/// two callbacks: a message already being handled finishes under the old values.
extension ServiceThread {
    func adopt(_ config: ChorusConfig) {
        owner.assertOnOwner()
        consoleStatsNanoseconds = Self.consoleStatsNanoseconds(config)
        minimumTickNanoseconds = Self.minimumTickNanoseconds(config)
        writePath.adopt(config)
        limits.adopt(config)
        handshake.adopt(config)
        receivePath.adopt(config)
    }

    static func consoleStatsNanoseconds(_ config: ChorusConfig) -> UInt64 {
        UInt64(config.stats.consoleIntervalMs) * 1_000_000
    }

    static func minimumTickNanoseconds(_ config: ChorusConfig) -> UInt64 {
        ServerFrames.BatchSettings(config.batch).flushTickNanoseconds
    }
}
