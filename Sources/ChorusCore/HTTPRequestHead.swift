/// What the transport copied of an HTTP request's head once the library parsed it, before
/// anything is answered or upgraded: the method, the target, the version and the headers the
/// checks read. Values are as received (nil: the header is absent).
public struct HTTPRequestHead: Sendable, Equatable {
    /// `GET`, `POST`, ...; `CONNECT` for a proxy request.
    public var method: String
    /// Without the query.
    public var path: String
    /// Query arguments as the library split and decoded them (`name=value`).
    public var queryFragments: [String]
    /// `HTTP/1.1`, `HTTP/1.0`.
    public var version: String
    public var upgrade: String?
    public var connection: String?
    public var webSocketKey: String?
    public var webSocketVersion: String?
    public var contentLength: String?
    public var transferEncoding: String?

    public init(
        method: String, path: String, queryFragments: [String] = [], version: String = "HTTP/1.1",
        upgrade: String? = nil, connection: String? = nil, webSocketKey: String? = nil,
        webSocketVersion: String? = nil, contentLength: String? = nil, transferEncoding: String? = nil
    ) {
        self.method = method
        self.path = path
        self.queryFragments = queryFragments
        self.version = version
        self.upgrade = upgrade
        self.connection = connection
        self.webSocketKey = webSocketKey
        self.webSocketVersion = webSocketVersion
        self.contentLength = contentLength
        self.transferEncoding = transferEncoding
    }

    /// A well-formed upgrade to `/v1/viewer` (tests and examples start from it).
    public static func webSocketUpgrade(path: String, queryFragments: [String] = []) -> HTTPRequestHead {
        HTTPRequestHead(
            method: "GET", path: path, queryFragments: queryFragments, upgrade: "websocket", connection: "Upgrade",
            webSocketKey: "dGhlIHNhbXBsZSBub25jZQ==", webSocketVersion: "13")
    }
}
