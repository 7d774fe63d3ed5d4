/// What Chorus knows about a message's author before looking at its text.
public struct LanguageHints: Sendable, Hashable {
    /// The viewer's declared BCP 47 locale (`pt-BR`), or `und` when none was given.
    public var locale: String
    /// The viewer's ISO 3166-1 alpha-2 region (`BR`), or `ZZ` when unknown.
    public var region: String
    /// Languages the viewer's own recent messages were reliably tagged with, most recent first.
    /// A prior about this author, so taggers weigh it below the text itself.
    public var recentLanguages: [String] = []

    public init(locale: String, region: String) {
        self.locale = locale
        self.region = region
    }

    public init(locale: String, region: String, recentLanguages: [String]) {
        self.locale = locale
        self.region = region
        self.recentLanguages = recentLanguages
    }

    public static let none = LanguageHints(locale: "und", region: "ZZ")
}

/// A language tag: ISO 639-1 (`pt`), or `und` for text with no linguistic content.
public struct LanguageTag: Sendable, Hashable {
    public var language: String
    /// How sure the tagger is, in [0, 1].
    public var confidence: Double

    public init(language: String, confidence: Double) {
        self.language = language
        self.confidence = confidence
    }

    public static let undetermined = LanguageTag(language: "und", confidence: 0)
}

/// Tags text with its language.
///
/// Implementations must be safe to call concurrently from every service thread, must not
/// block, and must return `und` rather than guess for text with no letters.
public protocol LanguageTagger: Sendable {
    func tag(_ text: String, hints: LanguageHints) -> LanguageTag
}
