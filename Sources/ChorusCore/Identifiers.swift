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

/// ISO 3166-1 alpha-2 region codes; anything else is reported as `ZZ` (unknown).
public enum RegionCode {
    public static let unknown = "ZZ"

    /// Upper-cased code when it has the alpha-2 shape, otherwise nil.
    public static func normalized(_ code: some StringProtocol) -> String? {
        guard code.utf8.count == 2, code.utf8.allSatisfy(isASCIILetter) else { return nil }
        return code.uppercased()
    }
}

/// Viewer display ids: 1–64 characters with no control characters.
public enum UserName {
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 256, name.count <= 64 else { return false }
        return !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

@inline(__always) func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}

@inline(__always) func isASCIIDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}
