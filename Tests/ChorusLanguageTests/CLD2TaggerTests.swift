import ChorusCore
import ChorusLanguage
import Testing

/// Behavior of the CLD2 tagger on whole messages: languages, `und`, hints, concurrency.
///
/// Sentences here are written for these tests; the langid devset is for evaluation only.
@Suite struct CLD2TaggerTests {
    let tagger = CLD2Tagger()

    static let sentences: [(language: String, text: String)] = [
        ("en", "I think we should leave early tomorrow to avoid the traffic on the highway."),
        ("es", "Mañana vamos a salir temprano para evitar el tráfico en la carretera."),
        ("pt", "Amanhã vamos sair cedo para não pegar trânsito na estrada, combinado?"),
        ("fr", "Demain nous partirons tôt pour éviter les embouteillages sur l'autoroute."),
        ("de", "Morgen fahren wir früh los, damit wir nicht im Stau auf der Autobahn stehen."),
        ("it", "Domani partiamo presto così evitiamo il traffico in autostrada."),
        ("ru", "Завтра мы выезжаем рано утром, чтобы не попасть в пробки на трассе."),
        ("ja", "明日は渋滞を避けるために朝早く出発しましょう。"),
        ("ar", "سنغادر غدا في الصباح الباكر لتجنب الازدحام على الطريق السريع."),
        ("zh", "我们明天早上早点出发，这样可以避开高速公路上的堵车。"),
        ("ko", "내일은 고속도로 정체를 피하려고 아침 일찍 출발할 거예요."),
        ("tr", "Yarın otoyoldaki trafikten kaçınmak için sabah erken yola çıkacağız."),
    ]

    @Test(arguments: sentences)
    func tagsOrdinarySentencesWithoutHints(language: String, text: String) {
        let tag = tagger.tag(text, hints: .none)
        #expect(tag.language == language, "\(text)")
        #expect(tag.confidence >= 0.8 && tag.confidence <= 1, "\(text): \(tag.confidence)")
    }

    @Test(arguments: [
        "😀😂👍", "🇧🇷🇧🇷 ❤️", "ℹ️", "12345", "3.14 + 2 = 5.14", "!!! ??? ...", "",
        "   \n\t  ", "https://example.com/some/path?x=1&y=2", "www.example.org", "google.com",
        "@maria #tbt", "📷 https://example.com/p/abc 🔥🔥", "user.name@example.com",
    ])
    func textWithoutLettersIsUndetermined(text: String) {
        let tag = tagger.tag(text, hints: LanguageHints(locale: "pt-BR", region: "BR"))
        #expect(tag.language == "und", "\(text.debugDescription)")
        #expect(tag.confidence >= 0.9 && tag.confidence <= 1)
    }

    @Test func linksMentionsAndTagsDoNotChangeTheLanguage() {
        let text =
            "@joana olha isso https://example.com/watch?v=abc que legal, depois te conto #viagem"
        #expect(tagger.tag(text, hints: .none).language == "pt")
        #expect(tagger.tag("これ見てhttps://example.com/aすごい", hints: .none).language == "ja")
    }

    @Test func spanishLocaleDoesNotTurnPortugueseIntoSpanish() {
        let hints = LanguageHints(locale: "es-ES", region: "ES")
        let text = "Obrigado pela ajuda de ontem, amanhã eu passo aí para buscar as chaves."
        #expect(tagger.tag(text, hints: hints).language == "pt")
        #expect(tagger.tag("Valeu, até amanhã então!", hints: hints).language == "pt")
    }

    @Test func mexicanViewerKeepsEnglishEnglish() {
        let hints = LanguageHints(locale: "es-MX", region: "MX")
        let text = "Can you send me the link to the document when you get a chance?"
        #expect(tagger.tag(text, hints: hints).language == "en")
        #expect(tagger.tag("see you tomorrow", hints: hints).language == "en")
    }

    @Test(arguments: ["Привет, как дела?", "Спасибо", "Привет"])
    func japaneseLocaleNeverTagsCyrillicAsJapanese(text: String) {
        let tag = tagger.tag(text, hints: LanguageHints(locale: "ja-JP", region: "JP"))
        #expect(tag.language != "ja")
        #expect(tag.language == "ru")
    }

    @Test func correctHintSettlesAShortAmbiguousText() {
        // On its own, "casa" is a coin toss for CLD2 (it answers English); a Portuguese or
        // Spanish viewer breaks the tie their way.
        let unhinted = tagger.tag("casa", hints: .none)
        #expect(unhinted.confidence < 0.5)
        let portuguese = tagger.tag("casa", hints: LanguageHints(locale: "pt-BR", region: "BR"))
        #expect(portuguese.language == "pt")
        #expect(portuguese.confidence > unhinted.confidence)
        let spanish = tagger.tag("casa", hints: LanguageHints(locale: "es_MX", region: "ZZ"))
        #expect(spanish.language == "es")
    }

    @Test func unusableLocalesAreNoHint() {
        for locale in ["und", "", "x-private", "123", "und-BR"] {
            let hints = LanguageHints(locale: locale, region: "BR")
            #expect(tagger.tag("casa", hints: hints) == tagger.tag("casa", hints: .none))
        }
    }

    @Test func confidenceGrowsWithEvidence() {
        let word = tagger.tag("travel", hints: .none)
        let sentence = tagger.tag(
            "We are planning to travel across the country by train next summer.", hints: .none)
        #expect(word.language == "en" && sentence.language == "en")
        #expect(word.confidence < sentence.confidence)
        #expect(word.confidence > 0 && sentence.confidence < 1)
        // A script only one language uses settles even a single word.
        #expect(tagger.tag("안녕", hints: .none).confidence >= 0.9)
        #expect(tagger.tag("ありがとう", hints: .none).language == "ja")
    }

    @Test func taggingConcurrentlyMatchesTaggingSerially() async {
        let hints: [LanguageHints] = [
            .none, LanguageHints(locale: "pt-BR", region: "BR"),
            LanguageHints(locale: "es-MX", region: "MX"), LanguageHints(locale: "ja", region: "JP"),
        ]
        let texts = Self.sentences.map(\.text) + ["casa", "ok", "😀", "bom dia", "Привет"]
        await ConcurrentTagging.expectSameAnswers(tagger, texts: texts, hints: hints)
    }
}
