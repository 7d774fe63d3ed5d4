/// Every locale's notices, and how a viewer's declared locale finds one
/// (`docs/protocol.md`, "Locales"). Immutable: a reload (SIGHUP) builds a new catalog and
/// swaps it in whole.
public struct NoticeCatalog: Sendable {
    public static let fallbackTag = "en"

    public let locales: [String: LocaleMessages]
    /// Lower-cased tag → tag, for case-insensitive exact matches.
    private let tagsByLowercase: [String: String]
    /// Language subtag → the tag that serves it when nothing closer exists (`pt` → `pt-BR`).
    private let tagsByLanguage: [String: String]

    /// Checks that every file has every notice key and English exists.
    public init(_ locales: [LocaleMessages]) throws(LocaleFileError) {
        var byTag: [String: LocaleMessages] = [:]
        for messages in locales {
            let missing = NoticeKey.allCases.filter { messages.notices[$0.rawValue] == nil }.map(\.rawValue)
            guard missing.isEmpty else {
                throw LocaleFileError(tag: messages.tag, reason: "missing notices: \(missing.joined(separator: ", "))")
            }
            byTag[messages.tag] = messages
        }
        guard byTag[Self.fallbackTag] != nil else {
            throw LocaleFileError(tag: Self.fallbackTag, reason: "the fallback locale is required")
        }
        self.locales = byTag
        tagsByLowercase = Dictionary(uniqueKeysWithValues: byTag.keys.map { ($0.lowercased(), $0) })
        var byLanguage: [String: String] = [:]
        for tag in byTag.keys.sorted() {
            let language = String(tag.split(separator: "-")[0]).lowercased()
            // A language-only file (`es`) wins over a regional one for the bare language.
            if byLanguage[language] == nil || tag.lowercased() == language { byLanguage[language] = tag }
        }
        tagsByLanguage = byLanguage
    }

    /// The locale that answers a declared BCP 47 tag: the exact tag, then the tag without its
    /// region or script, then any locale of the same language (`pt-PT` → `pt-BR`), then
    /// English. Chinese in Traditional script (`zh-Hant`, or `zh-TW`/`zh-HK`/`zh-MO`) falls to
    /// English rather than to Simplified while there is no Traditional catalog.
    public func negotiate(_ declared: String) -> String {
        let subtags = declared.replacingUnderscores().split(separator: "-").map { $0.lowercased() }
        guard var language = subtags.first, !language.isEmpty else { return Self.fallbackTag }
        language = Self.legacyLanguages[language] ?? language
        let script = subtags.dropFirst().first { $0.count == 4 }
        let region = subtags.dropFirst().first { $0.count == 2 || ($0.count == 3 && $0.allSatisfy(\.isNumber)) }
        var candidates: [String] = []
        if let script, let region { candidates.append("\(language)-\(script)-\(region)") }
        if let script { candidates.append("\(language)-\(script)") }
        if let region { candidates.append("\(language)-\(region)") }
        candidates.append(language)
        for candidate in candidates {
            if let tag = tagsByLowercase[candidate] { return tag }
        }
        if language == "zh" {
            let traditional = script == "hant" || (script == nil && ["tw", "hk", "mo"].contains(region ?? ""))
            if traditional { return tagsByLowercase["zh-hant"] ?? Self.fallbackTag }
            return tagsByLowercase["zh-hans"] ?? Self.fallbackTag
        }
        return tagsByLanguage[language] ?? Self.fallbackTag
    }

    /// Codes replaced in BCP 47 that old clients still send.
    static let legacyLanguages = ["iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"]

    /// The notice in the locale negotiated for `declared`, placeholders filled in. In a
    /// right-to-left locale each inserted value is isolated (U+2068 … U+2069) so a Latin room
    /// name or a number cannot reorder the sentence around it.
    public func render(_ notice: Notice, declared: String, rules: any PluralRules) -> LocalizedNotice {
        let tag = negotiate(declared)
        return render(notice, tag: tag, rules: rules)
    }

    public func render(_ notice: Notice, tag: String, rules: any PluralRules) -> LocalizedNotice {
        let key = notice.key.rawValue
        guard let messages = locales[tag] ?? locales[Self.fallbackTag],
            let template = messages.notices[key] ?? locales[Self.fallbackTag]?.notices[key]
        else { return LocalizedNotice(code: key, text: key) }
        let text: String
        switch template {
        case .text(let value):
            text = value
        case .plural(let forms):
            let count = notice.integers["count"] ?? (notice.integers.count == 1 ? notice.integers.first!.value : 0)
            text = forms[rules.category(of: count, locale: messages.tag)] ?? forms[.other] ?? ""
        }
        return LocalizedNotice(code: key, text: Self.fill(text, notice, isolate: messages.direction == .rtl))
    }

    static func fill(_ template: String, _ notice: Notice, isolate: Bool) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            if let value = notice.integers[name].map(String.init) ?? notice.strings[name] {
                output += isolate ? "\u{2068}\(value)\u{2069}" : value
            } else {
                output += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
