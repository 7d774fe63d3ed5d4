import Foundation

/// The short-text language-ID evaluation set (`../shared/langid-devset`): one folder per
/// ISO 639-1 code with `sentences.txt`, `word-pairs.txt` and `single-words.txt`, one item per
/// line. Evaluation only: nothing here is trained or tuned on it.
struct LangidDevset {
    static let categories = ["sentences", "word-pairs", "single-words"]

    /// category → language → items
    let items: [String: [String: [String]]]
    let languages: [String]

    init(path: String) throws(BenchError) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw .invalidOption(name: "--devset", reason: "cannot read \(path)")
        }
        var items: [String: [String: [String]]] = [:]
        var languages: [String] = []
        for language in entries.sorted() {
            var found = false
            for category in Self.categories {
                let file = "\(path)/\(language)/\(category).txt"
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
                items[category, default: [:]][language] = text.split(separator: "\n").map(String.init)
                found = true
            }
            if found { languages.append(language) }
        }
        guard !languages.isEmpty else {
            throw .invalidOption(name: "--devset", reason: "no <language>/<category>.txt under \(path)")
        }
        self.items = items
        self.languages = languages
    }

    private init(items: [String: [String: [String]]], languages: [String]) {
        self.items = items
        self.languages = languages
    }

    /// The same set with only `languages` (in the set's order).
    func restricted(to languages: [String]) -> LangidDevset {
        LangidDevset(items: items, languages: self.languages.filter(languages.contains))
    }

    func items(_ category: String, _ language: String) -> [String] {
        items[category]?[language] ?? []
    }
}

/// The locale a typical viewer of each language declares, for "correct hint" runs.
enum TypicalLocale {
    static let regions: [String: String] = [
        "ar": "EG", "cs": "CZ", "de": "DE", "el": "GR", "en": "US", "es": "MX", "fr": "FR", "he": "IL", "hi": "IN",
        "hu": "HU", "id": "ID", "it": "IT", "ja": "JP", "ko": "KR", "nl": "NL", "pl": "PL", "pt": "BR", "ro": "RO",
        "ru": "RU", "sv": "SE", "th": "TH", "tr": "TR", "uk": "UA", "vi": "VN", "zh": "CN",
    ]

    static func locale(for language: String) -> (locale: String, region: String) {
        let region = regions[language] ?? "ZZ"
        return ("\(language)-\(region)", region)
    }
}
