/// The client side of the HTTP/1.1 upgrade (RFC 6455 §4.1).
///
/// The bench sends a fixed request and checks the `101` status, the `Sec-WebSocket-Accept`
/// header and, when it asked for one, the subprotocol; everything else in the response is ignored.
struct WebSocketHandshake {
    enum Outcome {
        case needMore
        /// The upgrade succeeded; frame bytes start at `bodyOffset` of the response buffer.
        case accepted(bodyOffset: Int)
        case rejected(String)
    }

    /// A response header block larger than this is not a WebSocket server talking.
    static let maxResponseBytes = 16_384

    let request: [UInt8]
    private let expectedAccept: String
    private let subprotocol: String?

    init(host: String, path: String, key: [UInt8], subprotocol: String? = nil) {
        self.subprotocol = subprotocol
        let encodedKey = SHA1.base64(key)
        expectedAccept = SHA1.webSocketAccept(forKey: encodedKey)
        let text =
            "GET \(path) HTTP/1.1\r\n"
            + "Host: \(host)\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(encodedKey)\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + (subprotocol.map { "Sec-WebSocket-Protocol: \($0)\r\n" } ?? "")
            + "User-Agent: chorus-bench/1\r\n\r\n"
        request = Array(text.utf8)
    }

    /// Checks the response accumulated so far.
    func evaluate(_ response: [UInt8]) -> Outcome {
        guard let end = Self.headerEnd(response) else {
            return response.count > Self.maxResponseBytes
                ? .rejected("response headers exceed \(Self.maxResponseBytes) bytes") : .needMore
        }
        let head = String(decoding: response[0..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let status = lines.first, status.hasPrefix("HTTP/1.1 101") else {
            return .rejected("status \(lines.first.map(String.init) ?? "missing")")
        }
        var accept: Substring?
        var agreed: Substring?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }.trimmingSuffixSpaces()
            switch line[..<colon].lowercased() {
            case "sec-websocket-accept": accept = value
            case "sec-websocket-protocol": agreed = value
            default: break
            }
        }
        guard let accept, accept == expectedAccept else {
            return .rejected("Sec-WebSocket-Accept missing or wrong")
        }
        if let subprotocol, agreed != subprotocol[...] {
            return .rejected("the server did not agree to subprotocol \(subprotocol)")
        }
        return .accepted(bodyOffset: end + 4)
    }

    /// Index of the `\r\n\r\n` that ends the header block.
    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13
            && bytes[index + 3] == 10
        {
            return index
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingSuffixSpaces() -> Substring {
        var result = self
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
