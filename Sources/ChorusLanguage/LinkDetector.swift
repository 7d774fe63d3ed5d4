/// Recognizes the parts of a chat token that are addresses rather than words.
///
/// Works on raw UTF-8 bytes without Foundation: links are ASCII, so a byte scan is exact
/// enough, and it keeps the tagger's hot path free of regular expressions. Heuristics err on
/// the side of keeping text: a missed link only costs accuracy, a dropped word costs more.
enum LinkDetector {
    typealias Bytes = ScannedText.UTF8Slice

    /// Second-level labels that make `word.word` a domain even without a scheme or path.
    private static let commonDomainLabels: Set<String> = [
        "com", "net", "org", "edu", "gov", "io", "co", "app", "dev", "gg", "tv", "ly", "me",
        "info", "xyz",
    ]

    /// Whether `token` holds a byte that every handle, address, link and domain needs: `#` in
    /// front, or an `@`, `.` or `:` anywhere. Most chat words have none, and skip the scans.
    static func mayHoldAddress(_ token: Bytes) -> Bool {
        guard let first = token.first else { return false }
        if first == ascii("#") { return true }
        for byte in token where byte == ascii("@") || byte == ascii(".") || byte == ascii(":") {
            return true
        }
        return false
    }

    /// `@name`, `#tag` or `user@example.com`: none of them are in the author's language.
    static func isHandleOrAddress(_ token: Bytes) -> Bool {
        guard token.count >= 2 else { return false }
        let first = token[token.startIndex]
        let second = token[token.startIndex + 1]
        if first == ascii("@") || first == ascii("#") {
            return second != ascii("@") && second != ascii("#")
        }
        guard let at = token.firstIndex(of: ascii("@")), at > token.startIndex,
            at + 1 < token.endIndex
        else { return false }
        return isWordByte(token[at - 1]) && isWordByte(token[at + 1])
            && token[(at + 1)...].contains(ascii("."))
    }

    /// The first `scheme://…` or `www.…` link inside a token, if any.
    ///
    /// Only the link is returned, so text glued to it (common in CJK chat) is kept.
    static func firstLink(in token: Bytes) -> Range<Int>? {
        var index = token.startIndex
        while index + 3 < token.endIndex {
            if token[index] == ascii(":") && token[index + 1] == ascii("/")
                && token[index + 2] == ascii("/")
            {
                var schemeStart = index
                while schemeStart > token.startIndex && isSchemeByte(token[schemeStart - 1]) {
                    schemeStart -= 1
                }
                if index - schemeStart >= 2 {
                    return schemeStart..<linkEnd(in: token, from: index + 3)
                }
            } else if (index == token.startIndex || !isWordByte(token[index - 1]))
                && token[index] | 0x20 == ascii("w") && token[index + 1] | 0x20 == ascii("w")
                && token[index + 2] | 0x20 == ascii("w") && token[index + 3] == ascii(".")
            {
                return index..<linkEnd(in: token, from: index + 4)
            }
            index += 1
        }
        return nil
    }

    /// `example.com`, `globo.com.br` or `bit.ly/x`: a host name with no scheme.
    ///
    /// Without a path the host must contain a common label, so that `e.g.` or a missing
    /// space after a full stop (`fin.Voilà`) are still read as words.
    static func isBareDomain(_ token: Bytes) -> Bool {
        var lower = token.startIndex
        var upper = token.endIndex
        while lower < upper && isOpeningPunctuation(token[lower]) { lower += 1 }
        while upper > lower && isClosingPunctuation(token[upper - 1]) { upper -= 1 }
        let core = token[lower..<upper]
        // Most tokens are words: rule them out before splitting anything.
        guard core.contains(ascii(".")), core.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return false
        }

        let hostEnd = core.firstIndex { $0 == ascii("/") || $0 == ascii(":") } ?? core.endIndex
        let labels = core[core.startIndex..<hostEnd].split(
            separator: ascii("."), omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { isWordByte($0) } }),
            let topLevel = labels.last, (2...24).contains(topLevel.count),
            topLevel.allSatisfy({ ($0 | 0x20) >= ascii("a") && ($0 | 0x20) <= ascii("z") })
        else { return false }

        let hasPath = hostEnd < core.endIndex && core[hostEnd] == ascii("/")
        return hasPath
            || labels.dropFirst().contains {
                commonDomainLabels.contains(String(decoding: $0, as: UTF8.self).lowercased())
            }
    }

    /// Where a link that continues at `start` ends: at the first byte no URL contains.
    private static func linkEnd(in token: Bytes, from start: Int) -> Int {
        var end = start
        while end < token.endIndex {
            let byte = token[end]
            guard byte > 0x20, byte < 0x7F, byte != ascii("\""), byte != ascii("<"),
                byte != ascii(">")
            else { break }
            end += 1
        }
        return end
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return (folded >= ascii("a") && folded <= ascii("z"))
            || (byte >= ascii("0") && byte <= ascii("9")) || byte == ascii("-")
            || byte == ascii("_")
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return (folded >= ascii("a") && folded <= ascii("z"))
            || (byte >= ascii("0") && byte <= ascii("9")) || byte == ascii("+")
            || byte == ascii(".") || byte == ascii("-")
    }

    private static func isOpeningPunctuation(_ byte: UInt8) -> Bool {
        byte == ascii("(") || byte == ascii("[") || byte == ascii("<") || byte == ascii("\"")
            || byte == ascii("'")
    }

    private static func isClosingPunctuation(_ byte: UInt8) -> Bool {
        byte == ascii(".") || byte == ascii(",") || byte == ascii(";") || byte == ascii(":")
            || byte == ascii("!") || byte == ascii("?") || byte == ascii(")")
            || byte == ascii("]") || byte == ascii(">") || byte == ascii("\"")
            || byte == ascii("'")
    }

    private static func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }
}
