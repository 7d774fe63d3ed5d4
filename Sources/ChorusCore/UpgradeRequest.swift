/// A WebSocket upgrade as the transport copied it out of the HTTP request, before any check:
/// the path, the query arguments and the bearer token of the `Authorization` header.
public struct UpgradeRequest: Sendable, Equatable {
    /// Without the query.
    public var path: String
    /// Query arguments, first value of each name (a client repeating one cannot override it).
    public var arguments: [String: String]
    public var bearerToken: String?

    public init(path: String, arguments: [String: String] = [:], bearerToken: String? = nil) {
        self.path = path
        self.arguments = arguments
        self.bearerToken = bearerToken
    }

    /// From the raw pieces: `name=value` query fragments as the server split them (already
    /// URL-decoded), and the `Authorization` header's value.
    public init(path: String, queryFragments: [String], authorization: String?) {
        var arguments: [String: String] = [:]
        for fragment in queryFragments {
            guard let equals = fragment.firstIndex(of: "=") else { continue }
            let name = String(fragment[..<equals])
            if arguments[name] == nil { arguments[name] = String(fragment[fragment.index(after: equals)...]) }
        }
        var bearerToken: String?
        if let authorization, authorization.lowercased().hasPrefix("bearer ") {
            bearerToken = String(authorization.dropFirst(7)).trimmingSpaces()
        }
        self.init(path: path, arguments: arguments, bearerToken: bearerToken)
    }
}

/// Why a WebSocket upgrade is refused: the close code and reason the client reads, and the
/// reason label of `chorus_server_close_reasons_total`.
public struct HandshakeRejection: Error, Sendable, Equatable {
    public var code: UInt16
    public var reason: String
    public var why: CloseReason

    public init(code: UInt16, reason: String, why: CloseReason) {
        self.code = code
        self.reason = reason
        self.why = why
    }

    static func badRequest(_ reason: String) -> HandshakeRejection {
        HandshakeRejection(code: CloseCode.badRequest, reason: reason, why: .badRequest)
    }

    static func unauthorized(_ reason: String) -> HandshakeRejection {
        HandshakeRejection(code: CloseCode.unauthorized, reason: reason, why: .unauthorized)
    }

    /// A path that is neither endpoint.
    public static func unknownEndpoint(_ path: String) -> HandshakeRejection {
        .badRequest("unknown endpoint \(path.prefix(64))")
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
