/// Why the server closed a connection: the `reason` label of
/// `chorus_server_close_reasons_total` and of the debug log line every close the daemon
/// initiates writes. Several reasons share a close code (4000 covers every bad handshake
/// argument), and some closes send no close frame at all (a peer that reads nothing cannot
/// receive one), so the code alone does not say what happened.
public enum CloseReason: String, Sendable, CaseIterable {
    /// A heartbeat ping went unanswered for a whole `transport.pingIntervalSeconds`.
    case pongOverdue = "pong_overdue"
    /// Nothing could be written for `transport.writeTimeoutSeconds` while frames waited.
    case writeTimeout = "write_timeout"
    /// `limits.maxConnections` reached (1013).
    case connectionLimit = "connection_limit"
    /// Cluster mode: Redis did not answer when the room's first member joined on this node (1013).
    case clusterUnavailable = "cluster_unavailable"
    /// `limits.maxConnectionsPerIP` reached (4029).
    case addressLimit = "address_limit"
    /// An invalid handshake argument or endpoint (4000).
    case badRequest = "bad_request"
    /// A missing, forged or insufficient console token (4003).
    case unauthorized
    /// A viewer's room does not exist (4004).
    case unknownRoom = "unknown_room"
    /// Kept sending interactions while rate limited (4008).
    case throttled
    /// Too many invalid frames (4009).
    case tooManyErrors = "too_many_errors"
    /// Fell too far behind its queue budget (4001).
    case tooSlow = "too_slow"
    /// Graceful stop (1001).
    case shutdown
    /// A frame that breaks RFC 6455 and reaches a callback: a malformed close frame (1002).
    case protocolError = "protocol_error"
    /// A text frame or a close reason that is not UTF-8 (1007).
    case invalidUTF8 = "invalid_utf8"
    /// A frame announcing more than `MessageSizeRule.largestFrameBytes` (1009).
    case messageTooBig = "message_too_big"
}
