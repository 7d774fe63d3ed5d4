/// Checks UTF-8 a piece at a time (RFC 3629: no overlongs, no surrogates, nothing past
/// U+10FFFF), for a message that arrives in fragments: a sequence may be split between two
/// pieces, and an invalid byte is reported in the piece it arrives in, not at the message's
/// end (RFC 6455 8.1 asks an endpoint to fail "as soon as" it sees invalid UTF-8).
public struct UTF8Validator: Sendable, Equatable {
    /// Continuation bytes still owed by the sequence in progress (0 between characters).
    private var owed: UInt8 = 0
    /// The range the next continuation byte must fall in: narrower than 0x80...0xBF right
    /// after a lead byte that forbids overlongs, surrogates or code points past U+10FFFF.
    private var lowest: UInt8 = 0x80
    private var highest: UInt8 = 0xBF

    public init() {}

    /// True when every character so far is complete: the message may end here.
    public var isAtCharacterBoundary: Bool { owed == 0 }

    /// Feeds the next piece; false at the first byte that cannot be UTF-8 (the validator is
    /// then spent: start a new one).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes {
            guard accept(byte) else { return false }
        }
        return true
    }

    /// Whole-buffer convenience: valid and complete.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.feed(bytes) && validator.isAtCharacterBoundary
    }

    private mutating func accept(_ byte: UInt8) -> Bool {
        if owed > 0 {
            guard byte >= lowest, byte <= highest else { return false }
            owed -= 1
            lowest = 0x80
            highest = 0xBF
            return true
        }
        switch byte {
        case 0x00...0x7F: return true
        case 0xC2...0xDF: expect(1)
        case 0xE0: expect(2, lowest: 0xA0)  // below U+0800 would be overlong
        case 0xED: expect(2, highest: 0x9F)  // U+D800...U+DFFF are surrogates
        case 0xE1...0xEC, 0xEE...0xEF: expect(2)
        case 0xF0: expect(3, lowest: 0x90)  // below U+10000 would be overlong
        case 0xF1...0xF3: expect(3)
        case 0xF4: expect(3, highest: 0x8F)  // past U+10FFFF
        default: return false  // continuation bytes, 0xC0, 0xC1, 0xF5...0xFF
        }
        return true
    }

    private mutating func expect(_ count: UInt8, lowest: UInt8 = 0x80, highest: UInt8 = 0xBF) {
        owed = count
        self.lowest = lowest
        self.highest = highest
    }
}
