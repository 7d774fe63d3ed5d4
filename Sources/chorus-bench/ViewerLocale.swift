/// The declared locales and regions of `count` publishers, assigned in turn, with chat lines in
/// each locale's language: the daemon's per-language and per-region counts see several keys.
struct ViewerLocale {
    let locale: String
    let region: String
    /// UTF-8, free of anything that needs JSON escaping.
    let chatLines: [[UInt8]]

    static let mix: [ViewerLocale] = [
        ViewerLocale(locale: "en-US", region: "US", lines: ChatPhrasebook.english),
        ViewerLocale(locale: "es-ES", region: "ES", lines: ChatPhrasebook.spanish),
        ViewerLocale(locale: "pt-BR", region: "BR", lines: ChatPhrasebook.portuguese),
        ViewerLocale(locale: "fr-FR", region: "FR", lines: ChatPhrasebook.french),
        ViewerLocale(locale: "de-DE", region: "DE", lines: ChatPhrasebook.german),
        ViewerLocale(locale: "ja-JP", region: "JP", lines: ChatPhrasebook.japanese),
    ]

    /// The locale of publisher `index`.
    static func of(publisher index: Int) -> ViewerLocale { mix[index % mix.count] }

    private init(locale: String, region: String, lines: [String]) {
        self.locale = locale
        self.region = region
        chatLines = lines.map { Array($0.utf8) }
    }
}
