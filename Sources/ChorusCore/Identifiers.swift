/// Room names: 1–64 characters of `A-Z a-z 0-9 _ -`, safe in URLs, tokens and logs.
public enum RoomName {
    public static func isValid(_ name: some StringProtocol) -> Bool {
        let bytes = name.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }
}

/// ISO 639 language codes as used in tags and filters (`pt`, `fil`, `und`).
public enum LanguageCode {
    public static func isValid(_ code: some StringProtocol) -> Bool {
        let bytes = code.utf8
        return (2...3).contains(bytes.count) && bytes.allSatisfy(isASCIILetter)
    }
}

/// BCP 47 locale tags, checked for shape only (`pt-BR`, `zh-Hans-CN`, `und`).
public enum LocaleTag {
    public static func isValid(_ tag: some StringProtocol) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.utf8.count), first.utf8.allSatisfy(isASCIILetter),
            parts.count <= 6, tag.utf8.count <= 35
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.utf8.count) && part.utf8.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) }
        }
    }
}

/// ISO 3166-1 alpha-2 region codes (`ISORegions`, generated from iso-codes); a well-formed
/// code that is not assigned, or none at all, is counted as `ZZ` (unknown).
public enum RegionCode {
    public static let unknown = "ZZ"

    /// Upper-cased code when it has the alpha-2 shape, otherwise nil.
    public static func normalized(_ code: some StringProtocol) -> String? {
        guard code.utf8.count == 2, code.utf8.allSatisfy(isASCIILetter) else { return nil }
        return code.uppercased()
    }

    /// Whether an upper-case alpha-2 code is an assigned ISO 3166-1 region.
    public static func isAssigned(_ code: String) -> Bool { ISORegions.names[code] != nil }

    /// Every assigned code, sorted.
    public static let all: [String] = ISORegions.names.keys.sorted()

    /// The region's English name (iso-codes).
    public static func name(of code: String) -> String? { ISORegions.names[code] }
}

/// Viewer display ids: 1–64 characters with no control characters, no bidi controls and no
/// zero-width characters (`InvisibleCharacters`): a name is shown next to other people's text,
/// where a U+202E would reverse it, and a name of U+200B looks like no name at all.
public enum UserName {
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 256, name.count <= 64 else { return false }
        return !name.unicodeScalars.contains {
            $0.properties.generalCategory == .control || InvisibleCharacters.isBidiControl($0)
                || InvisibleCharacters.isZeroWidth($0)
        }
    }
}

@inline(__always) func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}

@inline(__always) func isASCIIDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}
