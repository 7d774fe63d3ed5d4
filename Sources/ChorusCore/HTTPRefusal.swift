/// An HTTP answer that ends a request before any upgrade or route: the status, the headers it
/// needs (`Allow`, `Sec-WebSocket-Version`) and a one-line plain-text reason. The connection
/// is closed after it (`Connection: close`): nothing a refused client sent after its request
/// is read as another request.
public struct HTTPRefusal: Error, Sendable, Equatable {
    public var status: Int
    /// The reason phrase of the status line.
    public var phrase: String
    public var headers: [(name: String, value: String)]
    /// The body, one line (what was wrong).
    public var reason: String

    public init(status: Int, phrase: String, reason: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.phrase = phrase
        self.reason = reason
        self.headers = headers
    }

    public static func == (lhs: HTTPRefusal, rhs: HTTPRefusal) -> Bool {
        lhs.status == rhs.status && lhs.phrase == rhs.phrase && lhs.reason == rhs.reason
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    /// Every status a refusal has (each is exported, at 0 until it happens).
    public static let statuses = [400, 404, 405, 426, 431]

    public static func badRequest(_ reason: String) -> HTTPRefusal {
        HTTPRefusal(status: 400, phrase: "Bad Request", reason: reason)
    }

    public static func notFound(_ path: String) -> HTTPRefusal {
        HTTPRefusal(status: 404, phrase: "Not Found", reason: "unknown endpoint \(path.prefix(64))")
    }

    /// Only `GET` opens a WebSocket or reads an endpoint.
    public static let methodNotAllowed = HTTPRefusal(
        status: 405, phrase: "Method Not Allowed", reason: "only GET is allowed", headers: [("Allow", "GET")])

    /// A query argument longer than any Chorus reads (a token is a few hundred bytes).
    public static let argumentTooLarge = HTTPRefusal(
        status: 431, phrase: "Request Header Fields Too Large",
        reason: "a query argument is over \(HTTPRequestHead.maxArgumentBytes) bytes")

    /// RFC 6455 4.2.2/4.4: the version the server speaks.
    public static let upgradeRequired = HTTPRefusal(
        status: 426, phrase: "Upgrade Required", reason: "Sec-WebSocket-Version must be 13",
        headers: [("Sec-WebSocket-Version", "13")])

    /// The whole response, status line to body.
    public var bytes: [UInt8] {
        let body = reason + "\n"
        var head = "HTTP/1.1 \(status) \(phrase)\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
        head += "Connection: close\r\n\r\n"
        return Array((head + body).utf8)
    }
}
