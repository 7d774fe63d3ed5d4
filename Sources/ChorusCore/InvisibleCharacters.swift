/// Characters that change how text around them is shown without being seen themselves:
/// bidirectional formatting controls and zero-width characters. Names refuse both (a user id
/// made of U+202E reverses everything after it on a console's screen); chat keeps them (RTL
/// writers need marks, Persian needs ZWNJ, emoji need ZWJ) but balanced (`BidiBalancer`).
public enum InvisibleCharacters {
    /// U+200E LRM, U+200F RLM, U+061C ALM, U+202A–U+202E (embeddings, overrides, PDF) and
    /// U+2066–U+2069 (isolates, PDI).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// U+200B ZWSP, U+200C ZWNJ, U+200D ZWJ, U+2060 WORD JOINER and U+FEFF ZWNBSP (BOM).
    public static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200D, 0x2060, 0xFEFF: true
        default: false
        }
    }

    /// The first bidi control or zero-width character of `text`, nil when it has none.
    public static func first(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { isBidiControl($0) || isZeroWidth($0) }
    }

    /// A scalar that shows nothing by itself: White_Space, or Default_Ignorable_Code_Point
    /// (zero-width characters, bidi controls, variation selectors). Text made only of these
    /// is blank.
    public static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace || scalar.properties.isDefaultIgnorableCodePoint
    }

    /// A combining mark: general category Mn, Mc or Me.
    public static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        // The category is a table search (most of a chat line's decoding cost when asked of
        // every scalar); blocks that hold no marks answer without it.
        switch scalar.value {
        case 0..<0x300, 0x0400...0x0482, 0x4E00...0x9FFF, 0xAC00...0xD7A3: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whether `text` holds more than `limit` combining marks in all, counting no further
    /// than needed.
    public static func hasMoreMarks(than limit: Int, in text: String) -> Bool {
        var marks = 0
        for scalar in text.unicodeScalars where isMark(scalar) {
            marks += 1
            if marks > limit { return true }
        }
        return false
    }
}
