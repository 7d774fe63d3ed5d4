/// What a chat text must be to be relayed (`limits.maxChatChars`, `limits.maxChatBytes`,
/// `limits.maxMarksPerCharacter`): not blank, not too long in characters (grapheme clusters,
/// as a person counts them) nor in UTF-8 bytes, and no character carrying a flood of
/// combining marks ("Zalgo" text, which one character long draws over the lines around it).
public struct ChatTextRules: Sendable, Equatable {
    public var maxCharacters: Int
    public var maxBytes: Int
    public var maxMarksPerCharacter: Int

    public init(maxCharacters: Int, maxBytes: Int, maxMarksPerCharacter: Int) {
        self.maxCharacters = maxCharacters
        self.maxBytes = maxBytes
        self.maxMarksPerCharacter = maxMarksPerCharacter
    }

    public init(_ limits: ChorusConfig.Limits) {
        self.init(
            maxCharacters: limits.maxChatChars, maxBytes: limits.maxChatBytes,
            maxMarksPerCharacter: limits.maxMarksPerCharacter)
    }

    /// The text as relayed (its bidi controls balanced, `BidiBalancer`), or the
    /// `invalid_field` error that refuses it. The limits hold for the text as relayed: the
    /// closers balancing appends count (found by FuzzFrameDecoder: 40 characters with an open
    /// RLO were relayed as 41).
    public func check(_ sent: String) throws(ProtocolError) -> String {
        // Bytes first: they bound the cost of balancing and of counting characters and marks.
        if sent.utf8.count > maxBytes {
            throw .invalidField(name: "text", reason: "is longer than \(maxBytes) bytes")
        }
        let isASCII = !sent.utf8.contains(where: { $0 >= 0x80 })
        let text = isASCII ? sent : BidiBalancer.balanced(sent)
        if text.utf8.count > maxBytes {
            throw .invalidField(name: "text", reason: "is longer than \(maxBytes) bytes")
        }
        guard text.unicodeScalars.contains(where: { !InvisibleCharacters.isBlank($0) }) else {
            throw .invalidField(name: "text", reason: "is blank")
        }
        // Counting characters is costly; bytes bound it first (as for every text field).
        if text.utf8.count > maxCharacters, text.count > maxCharacters {
            throw .invalidField(name: "text", reason: "is longer than \(maxCharacters) characters")
        }
        // Most texts have fewer marks in all than one character may carry: only then look
        // at each character.
        if !isASCII,
            InvisibleCharacters.hasMoreMarks(than: maxMarksPerCharacter, in: text),
            text.contains(where: { $0.unicodeScalars.count(where: InvisibleCharacters.isMark) > maxMarksPerCharacter })
        {
            throw .invalidField(
                name: "text", reason: "has more than \(maxMarksPerCharacter) combining marks on one character")
        }
        return text
    }
}
