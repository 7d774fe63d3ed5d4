/// Close codes Chorus sends (docs/protocol.md), in one place for the core's decisions (a
/// console too slow, a refused handshake) and the transport's (limits, shutdown).
public enum CloseCode {
    public static let goingAway: UInt16 = 1001
    /// RFC 6455 7.4.1: a frame that breaks the protocol (unknown opcode, bad length, a close
    /// frame with an invalid code).
    public static let protocolError: UInt16 = 1002
    /// A text frame, or a close reason, that is not UTF-8.
    public static let invalidPayload: UInt16 = 1007
    /// A frame announcing more than `ClientFrameLimits.largestFrameBytes`.
    public static let messageTooBig: UInt16 = 1009
    public static let tryAgainLater: UInt16 = 1013
    public static let badRequest: UInt16 = 4000
    /// Fell behind its queue budget (a console, or a viewer past its commerce allowance); it
    /// may reconnect and resume.
    public static let tooSlow: UInt16 = 4001
    public static let unauthorized: UInt16 = 4003
    public static let unknownRoom: UInt16 = 4004
    /// Kept sending interactions while throttled (`limits.throttledBeforeClose`).
    public static let keptSendingWhileThrottled: UInt16 = 4008
    public static let tooManyErrors: UInt16 = 4009
    /// Too many connections from the client's IP address (`limits.maxConnectionsPerIP`).
    public static let tooManyFromAddress: UInt16 = 4029
}
