public import ChorusCore

/// What went wrong talking to Redis, with the server and the command it concerns.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection: refused, unreachable, timed out, or `AUTH` refused.
    case connect(RedisEndpoint, reason: String)
    /// The connection broke or timed out during a command; whether Redis ran it is unknown.
    case io(RedisEndpoint, command: String, reason: String)
    /// Redis answered with an error reply.
    case refused(RedisEndpoint, command: String, message: String)
    /// Redis answered with a reply of a shape the command does not produce.
    case unexpectedReply(RedisEndpoint, command: String, reply: String)

    public var description: String {
        switch self {
        case .connect(let endpoint, let reason): "cannot connect to \(endpoint): \(reason)"
        case .io(let endpoint, let command, let reason): "\(command) on \(endpoint) failed: \(reason)"
        case .refused(let endpoint, let command, let message): "\(command) refused by \(endpoint): \(message)"
        case .unexpectedReply(let endpoint, let command, let reply):
            "\(command) on \(endpoint): unexpected reply \(reply)"
        }
    }

    /// The error reply's first word (`NOSCRIPT`, `MOVED`, `ASK`, `LOADING`, ...).
    public var errorCode: Substring? {
        guard case .refused(_, _, let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first
    }
}
