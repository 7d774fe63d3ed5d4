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
        let subtags = LocaleSubtags(hints)
        guard let language = subtags.language else { return nil }
        self.language = language.string
        if let region = subtags.region?.string {
            domain = region == "gb" ? "uk" : region
        }
    }
}
