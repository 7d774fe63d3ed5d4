/// A streamer console's bearer token: `rooms "." expiry "." hex(HMAC-SHA256(secret, rooms "." expiry))`.
///
/// The MAC itself is computed outside the core (OpenSSL); the core owns the format, the
/// expiry rule and the constant-time comparison.
public struct ConsoleToken: Sendable, Equatable {
    /// Computes HMAC-SHA256(key, message).
    public typealias MessageAuthenticator = @Sendable (_ key: [UInt8], _ message: [UInt8]) -> [UInt8]

    public enum ValidationError: Error, Equatable, Sendable {
        case malformed
        case badSignature
        case expired(at: Int64)
    }

    /// Rooms the token allows; nil means every room (`*`).
    public var rooms: Set<String>?
    public var expiresAt: Int64

    public init(rooms: Set<String>?, expiresAt: Int64) {
        self.rooms = rooms
        self.expiresAt = expiresAt
    }

    public func allows(room: String) -> Bool {
        rooms?.contains(room) ?? true
    }

    public func signed(secret: [UInt8], authenticator: MessageAuthenticator) -> String {
        let body = "\(rooms.map { $0.sorted().joined(separator: ",") } ?? "*").\(expiresAt)"
        return body + "." + Self.hex(authenticator(secret, Array(body.utf8)))
    }

    public static func validate(
        _ token: String, secret: [UInt8], nowSeconds: Int64, authenticator: MessageAuthenticator
    ) throws(ValidationError) -> ConsoleToken {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 8192, let expiry = Int64(parts[1]) else { throw .malformed }
        let rooms: Set<String>?
        if parts[0] == "*" {
            rooms = nil
        } else {
            let names = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard !names.isEmpty, names.allSatisfy({ RoomName.isValid($0) }) else { throw .malformed }
            rooms = Set(names.map(String.init))
        }
        let body = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let expected = hex(authenticator(secret, body))
        guard constantTimeEquals(Array(expected.utf8), Array(parts[2].utf8)) else { throw .badSignature }
        guard expiry > nowSeconds else { throw .expired(at: expiry) }
        return ConsoleToken(rooms: rooms, expiresAt: expiry)
    }

    /// Lowercase hex, as in token signatures.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
