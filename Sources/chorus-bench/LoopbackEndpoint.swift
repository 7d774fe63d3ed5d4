import Glibc

/// The daemon's address, parsed from `--url ws://127.0.0.1:PORT` (or `wss://`) and restricted
/// to loopback.
///
/// The bench generates hundreds of MB/s of traffic and thousands of connections; pointing it at
/// a remote host by mistake would be a denial-of-service attack, so only `127.0.0.0/8` and
/// `localhost` are accepted.
struct LoopbackEndpoint: CustomStringConvertible {
    let address: in_addr
    let port: UInt16
    /// The text of the URL's authority, sent back as the `Host` header.
    let hostHeader: String
    /// Whether the URL said `wss://`.
    let urlIsSecure: Bool
    /// The TLS client every connection uses (`--tls` or a wss:// URL); nil for plain ws://.
    var tls: TLSClientContext?

    var description: String { "\(tls == nil ? "ws" : "wss")://\(hostHeader)" }

    /// The name sent as SNI: the URL's host unless it is an address (RFC 6066 allows names only).
    var serverName: String? { hostHeader.hasPrefix("127.") ? nil : String(hostHeader.prefix { $0 != ":" }) }

    init(url: String) throws(BenchError) {
        urlIsSecure = url.hasPrefix("wss://")
        guard url.hasPrefix("ws://") || urlIsSecure else {
            throw .invalidTarget(url: url, reason: "expected ws:// or wss://")
        }
        let authority = url.dropFirst(urlIsSecure ? 6 : 5).prefix { $0 != "/" && $0 != "?" }
        guard let colon = authority.lastIndex(of: ":"),
            let port = UInt16(authority[authority.index(after: colon)...]), port > 0
        else {
            throw .invalidTarget(url: url, reason: "expected ws://127.0.0.1:PORT or wss://…")
        }
        let host = String(authority[..<colon])
        let numeric = host == "localhost" ? "127.0.0.1" : host
        var parsed = in_addr()
        guard inet_pton(AF_INET, numeric, &parsed) == 1 else {
            throw .invalidTarget(url: url, reason: "host must be an IPv4 loopback address")
        }
        guard UInt32(bigEndian: parsed.s_addr) >> 24 == 127 else {
            throw .invalidTarget(url: url, reason: "\(host) is not loopback; refusing to load it")
        }
        address = parsed
        self.port = port
        hostHeader = String(authority)
    }

    var socketAddress: sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr = address
        return result
    }

    /// `127.0.0.<first + index % count>`: spreading connections over several source addresses
    /// lifts the ~28,000 ephemeral ports one source address gets per destination.
    static func sourceAddress(index: Int, first: Int, count: Int) -> in_addr {
        let last = UInt32(min(254, first + index % max(1, count)))
        return in_addr(s_addr: (127 << 24 | last).bigEndian)
    }
}
