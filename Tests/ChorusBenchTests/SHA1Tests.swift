import Testing

@testable import chorus_bench

/// The bench's handshake check rests on these: a wrong digest would reject every server.
@Suite struct SHA1Tests {
    func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        // 56 bytes: the length no longer fits the first block, padding takes a second one.
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        ),
        (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
    ])
    func digestMatchesKnownValues(message: String, expected: String) {
        #expect(hex(SHA1.digest(Array(message.utf8))) == expected)
    }

    @Test func acceptKeyOfRFC6455sExample() {
        #expect(SHA1.webSocketAccept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func base64PadsPartialGroups() {
        #expect(SHA1.base64(Array("f".utf8)) == "Zg==")
        #expect(SHA1.base64(Array("fo".utf8)) == "Zm8=")
        #expect(SHA1.base64(Array("foo".utf8)) == "Zm9v")
    }
}
