import CChorusCrypto

/// SHA-1 and base64, just enough to check `Sec-WebSocket-Accept` (RFC 6455 §4.2.2).
///
/// Verifying the accept key proves the peer is a WebSocket server that read our key, not an
/// HTTP server that happens to answer 101. The digest is OpenSSL's (through CChorusCrypto;
/// libcrypto is a dependency anyway) rather than a hand-written one to keep correct. Not for
/// anything security-relevant.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 20)
        let status = message.withUnsafeBytes { bytes in chorus_sha1(bytes.baseAddress, bytes.count, &output) }
        // EVP_Digest fails only when OpenSSL cannot allocate or has no SHA-1 at all: a wrong
        // digest would instead be reported as every server answering a bad accept key.
        precondition(status == 0, "OpenSSL's SHA-1 failed")
        return output
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let count = min(3, bytes.count - start)
            var group: UInt32 = 0
            for index in 0..<3 {
                group <<= 8
                if index < count { group |= UInt32(bytes[start + index]) }
            }
            for index in 0..<4 {
                let sextet = Int((group >> UInt32(18 - index * 6)) & 0x3F)
                output.append(index <= count ? alphabet[sextet] : UInt8(ascii: "="))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The `Sec-WebSocket-Accept` value a server must return for `key`.
    static func webSocketAccept(forKey key: String) -> String {
        base64(digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)))
    }
}
