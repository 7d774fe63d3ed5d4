/// A validated frame from a client.
public enum ClientFrame: Sendable, Equatable {
    /// `acknowledge`: the client asked for an `ack` once the interaction is counted.
    case interaction(InteractionPayload, clientID: String?, acknowledge: Bool = false)
    case subscribe(rooms: [String])
    case unsubscribe(rooms: [String])
    /// `room` nil: every room of the connection; otherwise that room only (consoles).
    case filter(languages: [String], room: String? = nil)
}

/// Why a client frame was refused. `code` is the stable wire code of the error frame.
public enum ProtocolError: Error, Equatable, Sendable {
    case invalidJSON(String)
    case unknownType(String)
    case invalidField(name: String, reason: String)
    case tooLarge(limit: Int)
    /// A console asked for a room its token does not allow.
    case forbidden(room: String)

    public var code: String {
        switch self {
        case .invalidJSON: "invalid_json"
        case .unknownType: "unknown_type"
        case .invalidField: "invalid_field"
        case .tooLarge: "too_large"
        case .forbidden: "forbidden"
        }
    }

    public var message: String {
        switch self {
        case .invalidJSON(let reason): "frame is not a JSON object: \(reason)"
        case .unknownType(let type): "unknown message type '\(type)'"
        case .invalidField(let name, let reason): "field '\(name)' \(reason)"
        case .tooLarge(let limit): "message larger than \(limit) bytes was discarded"
        case .forbidden(let room): "your token does not allow room '\(room)'"
        }
    }
}

/// Which side of the protocol a connection speaks.
public enum Role: String, Sendable, Hashable {
    case viewer, console
}
