import ChorusCore

/// What a member joining with `since` gets right after its welcome.
extension HandshakeHandler {
    /// The `seq` a welcome announces: where the member's stream continues from.
    func resumePoint(_ resume: Hub.ResumeOutcome?, since: UInt64?, live: UInt64) -> UInt64 {
        if case .resume = resume, let since { return since }
        return live
    }

    /// Queues what a resuming member missed, right after its welcome: the gap notice if
    /// history no longer reaches back to `since`, then the held batches.
    func replay(_ resume: Hub.ResumeOutcome?, room: String, to id: ConnectionID) {
        switch resume {
        case .resume(let plan):
            if let gap = plan.gap {
                let notice = writePath.localize(Notice(.historyGap, integers: ["count": gap.count]), for: id)
                writePath.send(ServerFrames.gap(room: room, range: gap, notice: notice), to: id)
            }
            for batch in plan.batches {
                if let action = writePath.shard.replay(
                    batch, to: id, encode: WritePath.encodeBatch, shed: WritePath.encodeShed)
                {
                    writePath.perform(action)
                }
            }
        case .ahead(let last):
            writePath.send(
                ServerFrames.error(
                    .invalidField(
                        name: "since", reason: "is past room '\(room)''s last message \(last); continuing live")),
                to: id)
        case .unknownRoom, nil:
            break
        }
    }
}
