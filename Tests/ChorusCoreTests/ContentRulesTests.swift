import Testing

@testable import ChorusCore

/// Bad content in names and chat (docs/protocol.md, "Text content"): bidi controls,
/// zero-width characters, combining-mark floods, and chat limited in characters and bytes.
@Suite struct ContentRulesTests {
    let rules = ChatTextRules(maxCharacters: 500, maxBytes: 2000, maxMarksPerCharacter: 8)

    func refusal(_ text: String) -> ProtocolError? {
        do {
            _ = try rules.check(text)
            return nil
        } catch {
            return error
        }
    }

    func marks(_ count: Int) -> String { String(repeating: "\u{0301}", count: count) }

    @Test func ordinaryTextPassesUnchanged() throws {
        for text in [
            "vocês enviam para o Brasil?", "Tiếng Việt có dấu", "e\u{0302}\u{0323}", "שָׁלוֹם", "مرحبا",
            "👨‍👩‍👧‍👦 🏳️‍🌈 1️⃣ 👍🏽", "می‌خواهم", "\u{200F}שלום\u{200F}", "\u{FEFF}hi",
        ] {
            #expect(try rules.check(text) == text)
        }
    }

    @Test func blankTextIsRefused() {
        for text in [
            " ", "\t\n", "\u{200B}", "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}", "\u{202E}", "\u{2067}\u{2069}",
            "\u{3000}\u{FE0F}",
        ] {
            #expect(
                refusal(text) == .invalidField(name: "text", reason: "is blank"), "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test func chatIsLimitedInCharacters() throws {
        #expect(try rules.check(String(repeating: "a", count: 500)).count == 500)
        #expect(
            refusal(String(repeating: "a", count: 501))
                == .invalidField(name: "text", reason: "is longer than 500 characters"))
        // 500 emoji are 2,000 bytes: within both limits.
        #expect(try rules.check(String(repeating: "😀", count: 500)).count == 500)
        // Characters are grapheme clusters: "\r\n" and a flag are one each.
        #expect(try rules.check(String(repeating: "🇧🇷", count: 250)).count == 250)
    }

    @Test func chatIsLimitedInBytes() {
        // 400 family emoji are 400 characters but 10,000 bytes.
        #expect(
            refusal(String(repeating: "👨‍👩‍👧‍👦", count: 400))
                == .invalidField(name: "text", reason: "is longer than 2000 bytes"))
        #expect(
            refusal(String(repeating: "€", count: 667))
                == .invalidField(name: "text", reason: "is longer than 2000 bytes"))
    }

    @Test func aCombiningMarkFloodIsRefused() throws {
        #expect(try rules.check("a" + marks(8)) == "a" + marks(8))
        #expect(try rules.check(String(repeating: "a" + marks(8), count: 10)).count == 10)
        let flood = ProtocolError.invalidField(name: "text", reason: "has more than 8 combining marks on one character")
        #expect(refusal("a" + marks(9)) == flood)
        #expect(refusal("hello Z" + marks(20) + "algo") == flood)
        // Marks of every kind count: Mn, Mc (U+0903) and Me (U+20DD).
        #expect(refusal("क" + String(repeating: "\u{0903}\u{20DD}\u{0301}", count: 3)) == flood)
        // The issue's case: `a` and 1,500 marks is one character, but 3,001 bytes.
        #expect(refusal("a" + marks(1500)) == .invalidField(name: "text", reason: "is longer than 2000 bytes"))
        let roomier = ChatTextRules(maxCharacters: 500, maxBytes: 4000, maxMarksPerCharacter: 8)
        #expect(throws: flood) { try roomier.check("a" + marks(1500)) }
    }

    @Test func openBidiControlsAreClosedAtTheEnd() throws {
        #expect(try rules.check("\u{202E}evil") == "\u{202E}evil\u{202C}")
        #expect(try rules.check("\u{202A}\u{202B}\u{202D}x") == "\u{202A}\u{202B}\u{202D}x\u{202C}\u{202C}\u{202C}")
        #expect(try rules.check("\u{2066}a\u{2067}b\u{2068}c") == "\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{2069}\u{2069}")
        #expect(try rules.check("\u{2067}\u{202B}x") == "\u{2067}\u{202B}x\u{202C}\u{2069}")
        #expect(try rules.check("\u{202B}\u{2067}x") == "\u{202B}\u{2067}x\u{2069}\u{202C}")
        // Balanced text, a PDI closing the embeddings inside its isolate, and unmatched closers
        // stay as they are.
        for text in [
            "\u{202E}abc\u{202C}", "\u{2067}\u{202B}x\u{2069}", "x\u{202C}\u{2069}", "\u{2067}x\u{202C}\u{2069}",
        ] {
            #expect(try rules.check(text) == text)
        }
    }

    /// Found by FuzzFrameDecoder: the closers balancing appends count towards the limits, so a
    /// relayed text never exceeds them.
    @Test func theLimitsHoldForTheTextAsRelayed() throws {
        let open = "\u{202E}" + String(repeating: "a", count: 498)
        #expect(try rules.check(open).count == 500)
        #expect(
            refusal(open + "a") == .invalidField(name: "text", reason: "is longer than 500 characters"))
        let bytes = ChatTextRules(maxCharacters: 5000, maxBytes: 2000, maxMarksPerCharacter: 8)
        let openers = String(repeating: "\u{202E}x", count: 500)  // 2,000 bytes, 500 closers to add
        #expect(throws: ProtocolError.invalidField(name: "text", reason: "is longer than 2000 bytes")) {
            try bytes.check(openers)
        }
    }

    @Test func theDecoderAppliesTheChatRules() throws {
        let decoder = ClientFrameDecoder(chatRules: rules)
        let frame = try decoder.decode(Array(#"{"type":"chat","text":"\u202Eevil"}"#.utf8), role: .viewer)
        #expect(frame == .interaction(.chat(text: "\u{202E}evil\u{202C}"), clientID: nil))
        #expect(throws: ProtocolError.invalidField(name: "text", reason: "is blank")) {
            try decoder.decode(Array(#"{"type":"chat","text":"\u200B\u200D"}"#.utf8), role: .viewer)
        }
        let zalgo = #"{"type":"chat","text":"a"# + String(repeating: #"\u0301"#, count: 9) + #""}"#
        #expect(
            throws: ProtocolError.invalidField(name: "text", reason: "has more than 8 combining marks on one character")
        ) {
            try decoder.decode(Array(zalgo.utf8), role: .viewer)
        }
    }

    @Test func tooManyBytesIsToldAsMessageTooLong() {
        #expect(
            ProtocolError.invalidField(name: "text", reason: "is longer than 2000 bytes").notice(maxChatCharacters: 500)
                == Notice(.messageTooLong, integers: ["limit": 500]))
        #expect(
            ProtocolError.invalidField(name: "text", reason: "has more than 8 combining marks on one character")
                .notice(maxChatCharacters: 500) == Notice(.invalidMessage))
    }

    @Test func theChatLimitsAreSettings() throws {
        var config = ChorusConfig()
        #expect(
            ChatTextRules(config.limits) == ChatTextRules(maxCharacters: 500, maxBytes: 2000, maxMarksPerCharacter: 8))
        try config.apply(environment: [
            "CHORUS_LIMITS_MAX_CHAT_BYTES": "3000", "CHORUS_LIMITS_MAX_MARKS_PER_CHARACTER": "4",
        ])
        #expect(
            ChatTextRules(config.limits) == ChatTextRules(maxCharacters: 500, maxBytes: 3000, maxMarksPerCharacter: 4))
        config.limits.maxMarksPerCharacter = 0
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func namesRefuseBidiControlsAndZeroWidthCharacters() {
        for name in [
            "\u{202E}", "\u{200B}", "ana\u{200D}", "\u{2066}x\u{2069}", "\u{200E}bob", "x\u{FEFF}", "\u{2060}",
            "\u{061C}a",
        ] {
            #expect(!UserName.isValid(name), "\(name.unicodeScalars.map(\.value))")
            let refused: HandshakeRejection?
            do {
                _ = try ViewerRequest(
                    UpgradeRequest(path: ViewerRequest.path, arguments: ["room": "r", "user": name]),
                    connection: ConnectionID(1))
                refused = nil
            } catch {
                refused = error
            }
            #expect(
                refused
                    == HandshakeRejection(
                        code: CloseCode.badRequest, reason: "invalid user: bidi control or zero-width character",
                        why: .badRequest))
        }
        for name in ["ana", "José", "علي", "李小龙", "ana_2024", "🙂"] {
            #expect(UserName.isValid(name))
        }
    }

    @Test func theBlocksAnsweredWithoutATableHoldNoMarks() {
        // isMark answers these blocks without the category table: the table must agree.
        for range in [0..<0x300, 0x0400..<0x0483, 0x4E00..<0xA000, 0xAC00..<0xD7A4] as [Range<UInt32>] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let category = scalar.properties.generalCategory
                #expect(category != .nonspacingMark && category != .spacingMark && category != .enclosingMark)
                #expect(!InvisibleCharacters.isMark(scalar))
            }
        }
        #expect(InvisibleCharacters.isMark("\u{0301}"))
        #expect(InvisibleCharacters.isMark("\u{0483}"))
        #expect(InvisibleCharacters.hasMoreMarks(than: 2, in: "a\u{0301}\u{0302}\u{0303}"))
        #expect(!InvisibleCharacters.hasMoreMarks(than: 3, in: "a\u{0301}\u{0302}\u{0303}"))
    }
}
