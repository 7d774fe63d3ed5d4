import Testing

@testable import ChorusCore

/// Which notice a person gets for a refused frame.
@Suite struct ProtocolErrorNoticeTests {
    @Test func refusalsMapToTheirNotices() {
        #expect(
            ProtocolError.throttled(.chat, .slowMode, retryAfterMs: 1_001).notice(maxChatCharacters: 500)
                == Notice(.slowModeWait, integers: ["seconds": 2]))
        #expect(
            ProtocolError.throttled(.like, .rateLimited, retryAfterMs: 10).notice(maxChatCharacters: 500)
                == Notice(.rateLimited, integers: ["seconds": 1]))
        #expect(
            ProtocolError.tooLarge(limit: 4096).notice(maxChatCharacters: 500)
                == Notice(.messageTooLong, integers: ["limit": 500]))
        #expect(
            ProtocolError.invalidField(name: "text", reason: "is longer than 500 characters")
                .notice(maxChatCharacters: 500) == Notice(.messageTooLong, integers: ["limit": 500]))
        #expect(
            ProtocolError.invalidField(name: "text", reason: "is empty").notice(maxChatCharacters: 500)
                == Notice(.invalidMessage))
        #expect(ProtocolError.invalidJSON("x").notice(maxChatCharacters: 500) == Notice(.invalidMessage))
        #expect(ProtocolError.forbidden(room: "r").notice(maxChatCharacters: 500) == Notice(.forbidden))
    }
}
