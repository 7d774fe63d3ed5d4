/// A validated frame from a client.
public enum ClientFrame: Sendable, Equatable {
    /// `acknowledge`: the client asked for an `ack` once the interaction is counted.
    /// `idempotencyKey`: a retry with the same key in the same room is not counted again.
    case interaction(
        InteractionPayload, clientID: String?, acknowledge: Bool = false, idempotencyKey: String? = nil)
    case subscribe(rooms: [String])
    case unsubscribe(rooms: [String])
    /// `room` nil: every room of the connection; otherwise that room only (consoles).
    case filter(languages: [String], room: String? = nil)
    /// A console sets a room's slow mode (seconds between one viewer's chat messages; 0: off).
    case slowMode(room: String, seconds: Int)
}

/// Why a client frame was refused. `code` is the stable wire code of the error frame.
public enum ProtocolError: Error, Equatable, Sendable {
    case invalidJSON(String)
    case unknownType(String)
    case invalidField(name: String, reason: String)
    case tooLarge(limit: Int)
    /// A console asked for a room its token does not allow.
    case forbidden(room: String)
    /// An interaction refused by a rate limit or the room's slow mode; it was not counted.
    case throttled(InteractionKind, InteractionRateLimiter.Reason, retryAfterMs: Int)

    public var code: String {
        switch self {
        case .invalidJSON: "invalid_json"
        case .unknownType: "unknown_type"
        case .invalidField: "invalid_field"
        case .tooLarge: "too_large"
        case .forbidden: "forbidden"
        case .throttled(_, let reason, _): reason.rawValue
        }
    }

    /// When the client may try again (throttled interactions only).
    public var retryAfterMs: Int? {
        if case .throttled(_, _, let milliseconds) = self { return milliseconds }
        return nil
    }

    public var message: String {
        switch self {
        case .invalidJSON(let reason): "frame is not a JSON object: \(reason)"
        case .unknownType(let type): "unknown message type '\(type)'"
        case .invalidField(let name, let reason): "field '\(name)' \(reason)"
        case .tooLarge(let limit): "message larger than \(limit) bytes was discarded"
        case .forbidden(let room): "your token does not allow room '\(room)'"
        case .throttled(let kind, .rateLimited, let wait): "too many \(kind.rawValue) messages; retry in \(wait) ms"
        case .throttled(_, .slowMode, let wait): "the room is in slow mode; retry in \(wait) ms"
        }
    }
}

/// Which side of the protocol a connection speaks.
public enum Role: String, Sendable, Hashable {
    case viewer, console
}
