import Testing

@testable import ChorusCore

@Suite struct ConsoleTokenTests {
    /// Not a MAC, but key- and message-dependent, which is all the format logic needs;
    /// the real HMAC is exercised by the integration tests.
    static let fakeMAC: ConsoleToken.MessageAuthenticator = { key, message in
        var state: UInt64 = 1_469_598_103_934_665_603
        for byte in key + [0] + message { state = (state ^ UInt64(byte)) &* 1_099_511_628_211 }
        return (0..<8).map { UInt8(truncatingIfNeeded: state >> ($0 * 8)) }
    }
    let secret = Array("0123456789abcdef".utf8)

    @Test func roundTripsRoomsAndExpiry() throws {
        let token = ConsoleToken(rooms: ["b", "a"], expiresAt: 2000).signed(secret: secret, authenticator: Self.fakeMAC)
        #expect(token.hasPrefix("a,b.2000."))
        let parsed = try ConsoleToken.validate(token, secret: secret, nowSeconds: 1000, authenticator: Self.fakeMAC)
        #expect(parsed.allows(room: "a"))
        #expect(!parsed.allows(room: "c"))
        let wildcard = ConsoleToken(rooms: nil, expiresAt: 2000).signed(secret: secret, authenticator: Self.fakeMAC)
        #expect(
            try ConsoleToken.validate(wildcard, secret: secret, nowSeconds: 1, authenticator: Self.fakeMAC).allows(
                room: "z"))
    }

    @Test func rejectsTamperingExpiryAndGarbage() {
        let token = ConsoleToken(rooms: ["a"], expiresAt: 2000).signed(secret: secret, authenticator: Self.fakeMAC)
        #expect(throws: ConsoleToken.ValidationError.badSignature) {
            try ConsoleToken.validate(
                token.replacingOccurrences("a.2000", "b.2000"), secret: secret, nowSeconds: 1000,
                authenticator: Self.fakeMAC)
        }
        #expect(throws: ConsoleToken.ValidationError.badSignature) {
            try ConsoleToken.validate(
                token, secret: Array("another-secret!!".utf8), nowSeconds: 1000, authenticator: Self.fakeMAC)
        }
        #expect(throws: ConsoleToken.ValidationError.expired(at: 2000)) {
            try ConsoleToken.validate(token, secret: secret, nowSeconds: 2000, authenticator: Self.fakeMAC)
        }
        for garbage in ["", "a.b", "a.notanumber.ff", "bad room.2000.ff", "a.2000.ff.ff"] {
            #expect(throws: ConsoleToken.ValidationError.malformed) {
                try ConsoleToken.validate(garbage, secret: secret, nowSeconds: 1000, authenticator: Self.fakeMAC)
            }
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
