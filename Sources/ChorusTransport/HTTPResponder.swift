/// A plain HTTP request on the relay's port (anything that is not a WebSocket upgrade).
public struct HTTPRequest: Sendable {
    public var method: String
    /// Without the query: lws splits it off into `arguments`.
    public var path: String
    /// Query arguments (`minutes=5`), first value of each name.
    public var arguments: [String: String] = [:]
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    public static func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body)
    }
}

/// Answers plain HTTP requests. Called on service threads, concurrently: implementations
/// must be thread-safe and quick (no blocking I/O).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, relay: RelayServer) -> HTTPResponse
}
