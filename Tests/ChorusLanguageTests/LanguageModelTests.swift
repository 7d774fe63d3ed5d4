import ChorusCore
import Testing

@testable import ChorusLanguage

/// Opening model bytes: the embedded model, and typed errors for bytes that are not one.
@Suite struct LanguageModelTests {
    @Test func embeddedModelHasTheDevsetLanguages() {
        let languages = Set(LanguageModel.embedded.languages)
        let expected = "en es pt fr de it nl pl ru uk tr ar he ja ko th vi id zh hi cs ro sv el hu"
        #expect(languages == Set(expected.split(separator: " ").map(String.init)))
        #expect(Set(ModelTagger.supportedLanguages) == languages)
    }

    @Test func rejectsBytesThatAreNotAModel() {
        let garbage = [UInt8](repeating: 0x41, count: 64)
        garbage.withUnsafeBytes { bytes -> Void in
            #expect(throws: LanguageModelError.notAModel) { try LanguageModel(bytes: bytes) }
        }
    }

    @Test func rejectsAnotherFormatVersion() {
        var header = Array("CHLANGID".utf8) + [9, 0, 0, 0, 0, 0, 0, 0]
        header += [UInt8](repeating: 0, count: 48)
        header.withUnsafeBytes { bytes -> Void in
            #expect(throws: LanguageModelError.unsupportedVersion(9)) { try LanguageModel(bytes: bytes) }
        }
    }

    @Test func rejectsATruncatedModel() {
        let bytes = LanguageModel.embeddedBytes
        let truncated = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)])
        #expect(throws: LanguageModelError.self) { try LanguageModel(bytes: truncated) }
    }

    @Test func foldsCaseAndSpellingVariantsAlike() throws {
        let tagger = try ModelTagger()
        let pairs = [
            ("STRASSE UND GRÜSSE", "Straße und Grüße"), ("ΚΑΛΗΜΕΡΑ ΣΑΣ", "καλημέρα σας"),
            ("AŞA ŞI ACUM", "așa și acum"),
        ]
        for (upper, lower) in pairs {
            #expect(tagger.tag(upper, hints: .none).language == tagger.tag(lower, hints: .none).language)
        }
    }

    /// The bench's `--locale-bonus`: a bonus large enough overrides clear text in the hinted
    /// language's script (why the tuned bonus is small); a nonsense value is refused.
    @Test func localeBonusOverrideChangesWhatAHintCanDo() throws {
        let hints = LanguageHints(locale: "nl-NL", region: "NL")
        let tuned = try ModelTagger()
        #expect(tuned.tag("shipping", hints: hints).language == "en")
        let hintAlwaysWins = try ModelTagger(model: LanguageModel.embedded(localeBonusNats: 1000))
        #expect(hintAlwaysWins.tag("shipping", hints: hints).language == "nl")
        #expect(hintAlwaysWins.tag("пожалуйста", hints: hints).language == "ru")
        #expect(throws: LanguageModelError.invalidParameter("localeBonusNats", -1)) {
            try LanguageModel.embedded(localeBonusNats: -1)
        }
    }
}
