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
        let subtags = hints.locale.split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard let first = subtags.first, Self.isLetters(first, count: 2...3) else { return nil }
        let language = first.lowercased()
        guard !Self.notALanguage.contains(language) else { return nil }
        self.language = Self.renamed[language] ?? language

        // The explicit region wins; a locale like `pt-BR` still says where the viewer is.
        let localeRegion = subtags.dropFirst().first { Self.isLetters($0, count: 2...2) }
        let region = hints.region[...]
        let known = Self.isLetters(region, count: 2...2) ? region : localeRegion
        if let code = known?.lowercased(), code != "zz" {
            domain = code == "gb" ? "uk" : code
        }
    }

    /// Special ISO 639 codes that name no particular language.
    private static let notALanguage: Set<String> = ["und", "mul", "zxx", "mis", "qaa"]

    /// Withdrawn ISO 639-1 codes some platforms still report, and their replacements.
    private static let renamed: [String: String] = ["iw": "he", "in": "id", "ji": "yi", "jw": "jv"]

    private static func isLetters(_ text: Substring, count: ClosedRange<Int>) -> Bool {
        count.contains(text.utf8.count)
            && text.utf8.allSatisfy {
                ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z")
            }
    }
}
