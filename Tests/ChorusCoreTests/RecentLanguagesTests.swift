import Testing

@testable import ChorusCore

@Suite struct RecentLanguagesTests {
    func tag(_ language: String, _ confidence: Double = 0.97) -> LanguageTag {
        LanguageTag(language: language, confidence: confidence)
    }

    @Test func keepsConfidentTagsMostRecentFirstWithoutRepeats() throws {
        var recent = RecentLanguages()
        recent = try #require(recent.noting(tag("es")))
        #expect(recent.noting(tag("es")) == nil, "the same language again changes nothing")
        recent = try #require(recent.noting(tag("en")))
        recent = try #require(recent.noting(tag("pt")))
        recent = try #require(recent.noting(tag("es")))
        #expect(recent.languages == ["es", "pt", "en"])
        recent = try #require(recent.noting(tag("fr")))
        #expect(recent.languages == ["fr", "es", "pt"])
    }

    @Test func ignoresUncertainAndUndeterminedTags() {
        let recent = RecentLanguages()
        #expect(recent.noting(tag("it", 0.6)) == nil)
        #expect(recent.noting(tag("und", 0.95)) == nil)
        #expect(recent.languages.isEmpty)
    }
}
