/// The checks every request passes before Chorus answers or upgrades it, in the order a
/// client learns of its mistakes (the first one wins). A thrown `HTTPRefusal` is written as is
/// and the connection closed.
extension HTTPRequestHead {
    /// The two WebSocket endpoints (`docs/protocol.md`).
    public static let upgradePaths: Set<String> = [ViewerRequest.path, ConsoleRequest.path]

    /// A request that asks for an upgrade (any `Upgrade` header, `websocket` or not):
    /// RFC 6455 4.2.1 and 4.4, RFC 9112 6.1, and Chorus's endpoints.
    public func checkUpgrade() throws(HTTPRefusal) {
        guard method == "GET" else { throw .methodNotAllowed }
        try checkFraming()
        guard version == "HTTP/1.1" else { throw .badRequest("WebSocket upgrades need HTTP/1.1") }
        guard Self.upgradePaths.contains(path) else { throw .notFound(path) }
        // `h2c` and anything else: only HTTP/1.1 and WebSocket are spoken on this port.
        guard upgrade?.lowercased() == "websocket" else { throw .badRequest("Upgrade must be websocket") }
        guard Self.tokens(connection).contains("upgrade") else {
            throw .badRequest("Connection must include Upgrade")
        }
        guard webSocketVersion == "13" else { throw .upgradeRequired }
        guard let webSocketKey, Self.isNonce(webSocketKey) else {
            throw .badRequest("Sec-WebSocket-Key must be 16 bytes in base64")
        }
        try checkArguments()
    }

    /// A plain request (`/healthz`, `/metrics`, the stats API): read-only, `GET` only.
    public func checkPlain() throws(HTTPRefusal) {
        try checkFraming()
        guard method == "GET" else { throw .methodNotAllowed }
        guard !Self.upgradePaths.contains(path) else {
            throw .badRequest("\(path) is a WebSocket endpoint: Upgrade: websocket required")
        }
        try checkArguments()
    }

    /// RFC 9112 6.1: both lengths is a smuggling attempt; the connection must close after it.
    /// A `GET` has no body, so a `Transfer-Encoding` is refused on its own too.
    private func checkFraming() throws(HTTPRefusal) {
        if contentLength != nil, transferEncoding != nil {
            throw .badRequest("Content-Length and Transfer-Encoding together")
        }
        if transferEncoding != nil { throw .badRequest("Transfer-Encoding on a request without a body") }
    }

    /// Longest query argument (`name=value`, decoded) Chorus reads.
    public static let maxArgumentBytes = 4096

    /// A NUL byte (`%00`) in an argument would be cut short by C code later (lws 4.1 refuses
    /// it itself; the check stays for a library that does not).
    private func checkArguments() throws(HTTPRefusal) {
        guard queryFragments.allSatisfy({ $0.utf8.count <= Self.maxArgumentBytes }) else {
            throw .argumentTooLarge
        }
        guard queryFragments.allSatisfy({ !$0.utf8.contains(0) }) else {
            throw .badRequest("NUL byte in a query argument")
        }
    }

    /// A comma-separated header's tokens, trimmed and lower-cased.
    static func tokens(_ header: String?) -> [String] {
        guard let header else { return [] }
        return header.split(separator: ",").map {
            $0.trimmingPrefix(while: { $0 == " " || $0 == "\t" }).lowercased().trimmingSuffixSpaces()
        }
    }

    /// RFC 6455 4.1: a nonce is 16 bytes, base64: 22 alphabet characters then `==`.
    static func isNonce(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard bytes.count == 24, bytes[22] == UInt8(ascii: "="), bytes[23] == UInt8(ascii: "=") else { return false }
        return bytes[..<22].allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default: false
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var text = self
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
