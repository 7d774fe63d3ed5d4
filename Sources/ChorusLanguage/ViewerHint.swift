import ChorusCore

/// The viewer's declared locale and region, reduced to what CLD2 accepts as hints.
///
/// CLD2 takes a content-language hint (`pt`) and a top-level-domain hint (`br`). Anything
/// that is not a plain language subtag (`und`, `zxx`, private use, garbage) means "no hint",
/// because a wrong hint costs more accuracy than a missing one.
struct ViewerHint: Equatable {
    /// ISO 639 language subtag, lowercased, withdrawn codes replaced (`iw` → `he`).
    var language: String
    /// Country-code top-level domain for the region (`br`; `uk` for GB), if known.
    var domain: String?

    init(language: String, domain: String?) {
        self.language = language
        self.domain = domain
    }

    init?(_ hints: LanguageHints) {
        // Runs for every chat message: one pass over the bytes, no split() arrays or lowercased() copies.
        var locale = hints.locale
        let (first, localeRegion) = locale.withUTF8 { utf8 -> (Subtag?, Subtag?) in
            var first: Subtag?
            var region: Subtag?
            var start = 0
            var position = 0
            for index in 0...utf8.count where index == utf8.count || utf8[index] == 0x2D || utf8[index] == 0x5F {
                let subtag = UnsafeBufferPointer(rebasing: utf8[start..<index])
                if position == 0 {
                    first = Subtag(subtag, lengths: 2...3)
                } else if region == nil {
                    region = Subtag(subtag, lengths: 2...2)
                }
                position += 1
                start = index + 1
            }
            return (first, region)
        }
        guard let first, let language = Self.canonical(first.string) else { return nil }
        self.language = language

        // The explicit region wins; a locale like `pt-BR` still says where the viewer is.
        var declared = hints.region
        let region = declared.withUTF8 { Subtag($0, lengths: 2...2) } ?? localeRegion
        if let code = region?.string, code != "zz" {
            domain = code == "gb" ? "uk" : code
        }
    }

    /// Nil for the special ISO 639 codes that name no particular language; the replacement for
    /// withdrawn ISO 639-1 codes some platforms still report. A switch, not a hashed set: this
    /// runs for every chat message.
    private static func canonical(_ language: String) -> String? {
        switch language {
        case "und", "mul", "zxx", "mis", "qaa": nil
        case "iw": "he"
        case "in": "id"
        case "ji": "yi"
        case "jw": "jv"
        default: language
        }
    }
}

/// A short subtag of ASCII letters, lowercased, packed into one word (no allocation).
private struct Subtag {
    private var packed: UInt32 = 0
    private var count = 0

    init?(_ utf8: UnsafeBufferPointer<UInt8>, lengths: ClosedRange<Int>) {
        guard lengths.contains(utf8.count), lengths.upperBound <= 4 else { return nil }
        for byte in utf8 {
            let lower = byte | 0x20
            guard lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return nil }
            packed |= UInt32(lower) << (8 * count)
            count += 1
        }
    }

    var string: String {
        withUnsafeBytes(of: packed.littleEndian) { String(decoding: $0.prefix(count), as: UTF8.self) }
    }
}
