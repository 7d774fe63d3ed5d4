/// What happens to a piece of a client message, given its size so far and what its frame
/// still announces: a message over `limits.maxMessageBytes` is read to its end and discarded
/// (`too_large`, the connection stays), unless its frame alone announces more than
/// `largestFrameBytes`: reading that to the end could take forever (a 64-bit length of 2^62),
/// so the connection is told `too_large` and closed with 1009 at the first piece.
public enum MessageSizeRule: Equatable, Sendable {
    /// Keep the piece: the message is still within the limit.
    case keep
    /// Drop the piece and the rest of the message; answer `too_large` at its end.
    case discard
    /// Close with 1009 now.
    case close

    /// 1 MiB, the most `limits.maxMessageBytes` can be set to: no frame bigger than that
    /// can be accepted whatever the configuration, so none is worth reading to the end.
    public static let largestFrameBytes = 1_048_576

    /// `buffered`: bytes of the message kept so far; `piece`: the bytes just received;
    /// `restOfFrame`: what the piece's frame still announces after it; `limit`:
    /// `limits.maxMessageBytes`.
    public static func judge(buffered: Int, piece: Int, restOfFrame: Int, limit: Int) -> MessageSizeRule {
        if restOfFrame > largestFrameBytes || piece + restOfFrame > largestFrameBytes { return .close }
        return buffered + piece > limit ? .discard : .keep
    }
}
