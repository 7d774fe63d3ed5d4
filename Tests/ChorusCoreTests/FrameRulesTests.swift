import Testing

@testable import ChorusCore

/// The sans-I/O halves of the RFC 6455 checks the transport makes after the upgrade.
@Suite struct FrameRulesTests {
    func valid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { UTF8Validator.isValid($0) }
    }

    func judge(_ bytes: [UInt8]) -> ClosePayloadCheck {
        bytes.withUnsafeBytes { ClosePayloadCheck.judge($0) }
    }

    @Test func acceptsWellFormedUTF8() {
        #expect(valid(Array("olá, 世界 🎉 \u{10FFFF}".utf8)))
        #expect(valid([]))
        #expect(valid([0xED, 0x9F, 0xBF]))  // U+D7FF, just below the surrogates
    }

    @Test(
        arguments: [
            [0xFF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xCE, 0xBA, 0xE1, 0xBD],
        ] as [[UInt8]])
    func refusesMalformedUTF8(_ bytes: [UInt8]) {
        #expect(!valid(bytes))
    }

    @Test func checksPieceByPieceAndFailsAtTheFirstBadByte() {
        var validator = UTF8Validator()
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        #expect(euro[0..<1].withUnsafeBytes { validator.feed($0) })
        #expect(!validator.isAtCharacterBoundary)
        #expect(euro[1...].withUnsafeBytes { validator.feed($0) })
        #expect(validator.isAtCharacterBoundary)
        // A surrogate lead is refused at its second byte, before the message ends.
        #expect(([0xED] as [UInt8]).withUnsafeBytes { validator.feed($0) })
        #expect(!([0xA0] as [UInt8]).withUnsafeBytes { validator.feed($0) })
    }

    @Test func echoesWellFormedClosePayloads() {
        #expect(judge([]) == .echo)
        #expect(judge([0x03, 0xE8]) == .echo)  // 1000
        #expect(judge([0x0F, 0x9F] + Array("bye ✓".utf8)) == .echo)  // 3999
        #expect(judge([0x13, 0x87]) == .echo)  // 4999
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] as [UInt16])
    func refusesCodesThatMayNotBeSent(_ code: UInt16) {
        #expect(judge([UInt8(code >> 8), UInt8(code & 0xFF)]) == .fail(code: 1002, reason: "invalid close code"))
    }

    @Test func refusesAOneBytePayloadAndAReasonThatIsNotUTF8() {
        #expect(judge([0x03]) == .fail(code: 1002, reason: "1-byte close payload"))
        #expect(judge([0x03, 0xE8, 0xFF, 0xFE]) == .fail(code: 1007, reason: "close reason is not UTF-8"))
        #expect(judge([0x03, 0xE8, 0xE2, 0x82]) == .fail(code: 1007, reason: "close reason is not UTF-8"))
    }

    @Test func acceptsACutReasonThatEndsInsideACharacter() {
        let cut: [UInt8] = [0x03, 0xE8, 0x61, 0xE2, 0x82]
        #expect(cut.withUnsafeBytes { ClosePayloadCheck.judge($0, isCut: true) } == .echo)
        #expect(judge(cut) == .fail(code: 1007, reason: "close reason is not UTF-8"))
    }

    @Test func readsOversizeMessagesUnlessTheirFrameIsTooBigToRead() {
        let largest = MessageSizeRule.largestFrameBytes
        #expect(MessageSizeRule.judge(buffered: 0, piece: 64, restOfFrame: 4000, limit: 4096) == .keep)
        #expect(MessageSizeRule.judge(buffered: 4090, piece: 64, restOfFrame: 0, limit: 4096) == .discard)
        #expect(MessageSizeRule.judge(buffered: 0, piece: 64, restOfFrame: largest - 64, limit: 4096) == .keep)
        #expect(MessageSizeRule.judge(buffered: 0, piece: 64, restOfFrame: largest, limit: 4096) == .close)
        #expect(MessageSizeRule.judge(buffered: 0, piece: 64, restOfFrame: 1 << 62, limit: 4096) == .close)
    }
}
