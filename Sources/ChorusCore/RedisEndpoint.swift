/// One Redis server as `cluster.redis` names it: `redis://[:password@]host[:port]` (port 6379
/// when left out). Parsed and checked here; only the cluster module connects to it.
public struct RedisEndpoint: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Sent with `AUTH` after connecting; never logged (`description` leaves it out).
    public var password: String?

    public init(host: String, port: Int = 6379, password: String? = nil) {
        self.host = host
        self.port = port
        self.password = password
    }

    /// Nil, with the reason, when `url` is not a `redis://` URL this client can use.
    public static func parse(_ url: String) -> Result<RedisEndpoint, RedisEndpointError> {
        let scheme = "redis://"
        guard url.hasPrefix(scheme) else { return .failure(.init(url: url, reason: "must start with redis://")) }
        var rest = Substring(url.dropFirst(scheme.count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            guard credentials.hasPrefix(":"), credentials.count > 1 else {
                return .failure(.init(url: url, reason: "credentials must be :password (no user name)"))
            }
            password = String(credentials.dropFirst())
            rest = rest[rest.index(after: at)...]
        }
        var host = rest
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                return .failure(.init(url: url, reason: "port must be 1...65535"))
            }
            port = parsed
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains("?") else {
            return .failure(.init(url: url, reason: "needs a host (and no path or database)"))
        }
        return .success(RedisEndpoint(host: String(host), port: port, password: password))
    }

    public var description: String { "redis://\(password == nil ? "" : ":***@")\(host):\(port)" }
}

public struct RedisEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: String

    public var description: String { "\(url.contains("@") ? "a redis:// URL with a password" : url): \(reason)" }
}
