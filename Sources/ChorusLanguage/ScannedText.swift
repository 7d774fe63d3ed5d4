/// A message prepared for CLD2: the bytes worth detecting, and what its letters are.
///
/// Links, @mentions, #tags and e-mail addresses are replaced by a space: they are not in the
/// author's language, and a URL's ASCII would otherwise pull short texts towards English.
/// Control characters (including C1 mojibake such as U+0092) become spaces too, so CLD2 only
/// sees interchange-valid UTF-8. Letters are counted per script in the same single pass, so
/// the tagger knows without CLD2 whether there is any language at all.
struct ScannedText {
    /// A run of a message's UTF-8, indexed like the whole message.
    typealias UTF8Slice = Slice<UnsafeBufferPointer<UInt8>>

    /// UTF-8 for CLD2, the same length or shorter than the message.
    private(set) var bytes: [UInt8] = []
    /// Letters (Unicode general category L, emoji excluded) outside links, mentions and tags.
    private(set) var letterCount = 0
    /// Letters per `Script.rawValue`.
    private(set) var scriptCounts = SIMD32<Int32>()

    init(_ text: String) {
        self = text.withUTF8Bytes { Self.scan($0) }
    }

    private init() {}

    /// Letters written in any script of `scripts`.
    func letters(in scripts: Script.Set) -> Int {
        var total = 0
        for script in Script.allCases where scripts & script.bit != 0 {
            total += Int(scriptCounts[Int(script.rawValue)])
        }
        return total
    }

    /// Whether at least half the letters are in a script `language` is written in.
    func isMostlyWritten(in language: String) -> Bool {
        letters(in: Script.scripts(ofLanguage: language)) * 2 >= letterCount
    }

    /// Whether the letters' script leaves `language` as the only language CLD2 could answer.
    ///
    /// Japanese is the one mixed case: any kana among mostly Japanese scripts settles it,
    /// since Chinese is never written with kana.
    func isSettledByScript(as language: String) -> Bool {
        if language == "ja" {
            let kana = letters(in: Script.hiragana.bit | Script.katakana.bit)
            return kana > 0 && letters(in: Script.scripts(ofLanguage: "ja")) * 10 >= letterCount * 9
        }
        let (script, share) = dominantScript
        return share >= 0.9 && script.soleLanguage == language
    }

    /// The script most letters are written in, with its share of the letters.
    var dominantScript: (script: Script, share: Double) {
        var best = Script.other
        var bestCount: Int32 = -1
        for script in Script.allCases where scriptCounts[Int(script.rawValue)] > bestCount {
            best = script
            bestCount = scriptCounts[Int(script.rawValue)]
        }
        let share = letterCount == 0 ? 0 : Double(bestCount) / Double(letterCount)
        return (best, share)
    }

    private static func scan(_ utf8: UnsafeBufferPointer<UInt8>) -> ScannedText {
        var result = ScannedText()
        result.bytes.reserveCapacity(utf8.count)
        var start = 0
        while start < utf8.count {
            if isASCIISpace(utf8[start]) {
                result.appendSpace()
                start += 1
                continue
            }
            var end = start + 1
            while end < utf8.count && !isASCIISpace(utf8[end]) { end += 1 }
            result.appendToken(utf8[start..<end])
            start = end
        }
        return result
    }

    /// Appends one whitespace-delimited token, minus whatever part of it is a link or handle.
    private mutating func appendToken(_ token: UTF8Slice) {
        if LinkDetector.isHandleOrAddress(token) || LinkDetector.isBareDomain(token) {
            appendSpace()
            return
        }
        var rest = token
        while let link = LinkDetector.firstLink(in: rest) {
            appendText(rest[rest.startIndex..<link.lowerBound])
            appendSpace()
            rest = rest[link.upperBound...]
        }
        appendText(rest)
    }

    private mutating func appendSpace() {
        if let last = bytes.last, last != 0x20 { bytes.append(0x20) }
    }

    /// Copies text, counting its letters and blanking control characters.
    private mutating func appendText(_ text: UTF8Slice) {
        var index = text.startIndex
        while index < text.endIndex {
            let lead = text[index]
            if lead < 0x80 {
                if lead < 0x20 || lead == 0x7F {
                    bytes.append(0x20)
                } else {
                    bytes.append(lead)
                    if (0x61...0x7A).contains(lead | 0x20) { countLetter(.latin) }
                }
                index += 1
                continue
            }
            // Swift strings hold valid UTF-8, so the lead byte gives the sequence length.
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            let end = min(index + length, text.endIndex)
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for continuation in text[(index + 1)..<end] {
                value = value << 6 | UInt32(continuation & 0x3F)
            }
            if Self.isNotInterchangeable(value) {
                bytes.append(0x20)
            } else {
                bytes.append(contentsOf: text[index..<end])
                if Self.isLetter(value) { countLetter(Script.of(value)) }
            }
            index = end
        }
    }

    private mutating func countLetter(_ script: Script) {
        letterCount += 1
        scriptCounts[Int(script.rawValue)] &+= 1
    }

    /// Whether a non-ASCII scalar is a letter; the common blocks skip the property lookup.
    private static func isLetter(_ value: UInt32) -> Bool {
        switch value {
        case 0xC0...0x24F: return value != 0xD7 && value != 0xF7
        case 0x410...0x44F, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0x3041...0x3096, 0x30A1...0x30FA,
            0x0621...0x064A, 0x05D0...0x05EA, 0x0E01...0x0E30:
            return true
        default:
            guard let scalar = Unicode.Scalar(value) else { return false }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter,
                .otherLetter:
                // U+2139 INFORMATION SOURCE and friends are letters that render as emoji.
                return !properties.isEmoji
            default:
                return false
            }
        }
    }

    /// C1 controls (mojibake such as U+0092 for an apostrophe) and noncharacters: valid
    /// UTF-8, but not interchange-valid, which CLD2 expects.
    private static func isNotInterchangeable(_ value: UInt32) -> Bool {
        value < 0xA0 || (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
