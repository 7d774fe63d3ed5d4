import ChorusCore
import ChorusLocalization
import Foundation
import Testing

/// The shipped `Locales/` files: complete, consistent with English, plural forms as ICU has
/// them; and what viewers get from them.
@Suite struct LocaleFilesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Locales").path
    static let required = [
        "en", "es", "pt-BR", "fr", "de", "it", "nl", "pl", "ru", "uk",
        "tr", "ar", "he", "ja", "ko", "th", "vi", "id", "zh-Hans", "hi",
    ]
    let rules = ICUPluralRules()

    func catalog() throws -> NoticeCatalog {
        try LocaleDirectory.load(Self.directory, rules: rules)
    }

    @Test func everyRequiredLocaleLoadsWithEveryNoticeAndItsPluralForms() throws {
        let catalog = try catalog()
        #expect(Set(Self.required).isSubset(of: Set(catalog.locales.keys)))
        let english = try #require(catalog.locales["en"])
        #expect(Set(english.notices.keys) == Set(NoticeKey.allCases.map(\.rawValue)), "en.json has exactly the keys")
        for (tag, messages) in catalog.locales {
            #expect(!messages.name.isEmpty && !messages.englishName.isEmpty, "\(tag)")
            #expect((messages.direction == .rtl) == ["ar", "he"].contains(tag), "\(tag)")
        }
    }

    @Test func everyFormHasTheSamePlaceholdersAsEnglish() throws {
        let catalog = try catalog()
        let english = try #require(catalog.locales["en"])
        for (tag, messages) in catalog.locales {
            for (key, template) in messages.notices {
                let expected = try #require(english.notices[key]).placeholders(of: .other)
                for form in template.forms {
                    #expect(Self.placeholders(form) == expected, "\(tag) \(key): \(form)")
                }
            }
        }
    }

    @Test func pluralCategoriesFollowCLDR() {
        let expected: [String: [PluralCategory]] = [
            // 0, 1, 2, 5, 11, 21, 101
            "ru": [.many, .one, .few, .many, .many, .one, .one],
            "uk": [.many, .one, .few, .many, .many, .one, .one],
            "pl": [.many, .one, .few, .many, .many, .many, .many],
            "ar": [.zero, .one, .two, .few, .many, .many, .other],
        ]
        for (locale, categories) in expected {
            let got = [0, 1, 2, 5, 11, 21, 101].map { rules.category(of: $0, locale: locale) }
            #expect(got == categories, "\(locale)")
        }
    }

    @Test func missedMessagesUseTheRightFormInEachLanguage() throws {
        let catalog = try catalog()
        for tag in ["ru", "uk", "pl", "ar", "en"] {
            guard case .plural(let forms)? = catalog.locales[tag]?.notices["missed"] else {
                Issue.record("\(tag) has no plural missed notice")
                continue
            }
            for count in [0, 1, 2, 5, 11, 21, 101] {
                let text = catalog.render(Notice(.missed, integers: ["count": count]), tag: tag, rules: rules).text
                let form = try #require(forms[rules.category(of: count, locale: tag)])
                let filled = tag == "ar" ? "\u{2068}\(count)\u{2069}" : "\(count)"
                #expect(text == form.replacingOccurrences(of: "{count}", with: filled), "\(tag) \(count)")
            }
        }
        let english = catalog.render(Notice(.missed, integers: ["count": 1]), tag: "en", rules: rules)
        #expect(
            english == LocalizedNotice(code: "missed", text: "You missed 1 message while your connection caught up."))
    }

    @Test func rightToLeftTextSurvivesJSONAndIsolatesInsertedValues() throws {
        let catalog = try catalog()
        let notice = catalog.render(Notice(.welcome, strings: ["room": "show-1"]), tag: "ar", rules: rules)
        #expect(notice.text.contains("\u{2068}show-1\u{2069}"))
        var json = JSONWriter()
        json.beginObject()
        json.field("text", notice.text)
        json.endObject()
        let parsed = try JSONParser.parse(json.bytes)
        #expect(parsed["text"]?.stringValue == notice.text)
        let hebrew = catalog.render(Notice(.rateLimited, integers: ["seconds": 2]), tag: "he", rules: rules)
        let hebrewLetters = hebrew.text.unicodeScalars.filter { (0x05D0...0x05EA).contains($0.value) }
        #expect(hebrewLetters.count > 5)
        #expect(hebrew.text.contains("\u{2068}2\u{2069}"))
    }

    @Test func negotiationFallsBackFromRegionToLanguageToEnglish() throws {
        let catalog = try catalog()
        let cases: [(String, String)] = [
            ("pt-BR", "pt-BR"), ("pt-PT", "pt-BR"), ("pt", "pt-BR"), ("PT_br", "pt-BR"), ("es-MX", "es"),
            ("fr-CA", "fr"), ("zh-CN", "zh-Hans"), ("zh", "zh-Hans"), ("zh-Hans-SG", "zh-Hans"), ("zh-TW", "en"),
            ("zh-Hant", "en"), ("iw-IL", "he"), ("in", "id"), ("ar-EG", "ar"), ("sw-KE", "en"), ("", "en"),
            ("x-klingon", "en"), ("en-US", "en"),
        ]
        for (declared, tag) in cases {
            #expect(catalog.negotiate(declared) == tag, "\(declared)")
        }
    }

    @Test func aFileMissingANoticeOrAPluralFormIsRefused() throws {
        let english = try #require(try catalog().locales["en"])
        var incomplete = english
        incomplete.notices["muted"] = nil
        #expect(throws: LocaleFileError.self) { try NoticeCatalog([incomplete]) }
        let russian = Array(
            #"{"locale":"ru","name":"Русский","englishName":"Russian","direction":"ltr","notices":{"missed":{"one":"a {count}","other":"b {count}"}}}"#
                .utf8)
        let directory = NSTemporaryDirectory() + "chorus-locales-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory + "/ru.json", contents: Data(russian)))
        #expect(throws: LocaleFileError.self) { try LocaleDirectory.load(directory, rules: rules) }
    }

    static func placeholders(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

extension LocaleMessages.Template {
    var forms: [String] {
        switch self {
        case .text(let text): [text]
        case .plural(let forms): Array(forms.values)
        }
    }

    func placeholders(of category: PluralCategory) -> Set<String> {
        switch self {
        case .text(let text): LocaleFilesTests.placeholders(text)
        case .plural(let forms): LocaleFilesTests.placeholders(forms[category] ?? "")
        }
    }
}

@Suite struct LocaleDirectoryCandidatesTests {
    @Test(arguments: [
        ("./.build/debug/chorusd", ["./.build/Locales", "./Locales"]),
        (".build/release/chorusd", [".build/Locales"]),
        ("/opt/chorus/bin/chorusd", ["/opt/chorus/share/chorus/Locales", "//share/chorus/Locales"]),
        ("chorusd/", []),
    ])
    func theExecutablesAncestorsAreSearchedWhateverItsPathLooksLike(executable: String, expected: [String]) {
        let candidates = LocaleDirectory.defaultCandidates(executable: executable)
        #expect(candidates.first == "Locales")
        #expect(candidates.last == "/usr/share/chorus/Locales")
        for directory in expected {
            #expect(candidates.contains(directory), "\(executable): \(candidates)")
        }
    }
}
