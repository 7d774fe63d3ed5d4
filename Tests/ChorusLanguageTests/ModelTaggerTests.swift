import ChorusCore
import Testing

@testable import ChorusLanguage

/// Behavior of the model tagger on whole messages: languages, `und`, hints, scripts,
/// candidates, concurrency.
///
/// Every text here was written for these tests, in the style of live-shopping chat; the langid
/// devset is for evaluation only and none of its items appear here.
@Suite struct ModelTaggerTests {
    let tagger: ModelTagger

    init() throws {
        tagger = try ModelTagger()
    }

    static let sentences: [(language: String, text: String)] = [
        ("en", "Does this jacket come in a larger size? I usually wear a medium but it runs small."),
        ("es", "¿Cuánto tarda el envío a Colombia? Lo necesito antes del viernes para un regalo."),
        ("pt", "Quanto tempo demora a entrega para Recife? Preciso antes de sexta para um presente."),
        ("fr", "Est-ce que la livraison est gratuite pour la Belgique ? Je voudrais commander deux paires."),
        ("de", "Gibt es die Tasche auch in Schwarz? Ich hätte gern zwei Stück, wenn das geht."),
        ("it", "Quanto costa la spedizione in Sicilia? Vorrei ordinare anche la borsa rossa."),
        ("nl", "Hoe lang duurt de levering naar Antwerpen? Ik wil graag twee stuks bestellen."),
        ("pl", "Ile kosztuje wysyłka do Krakowa? Chciałabym zamówić dwie sztuki w rozmiarze M."),
        ("ru", "Сколько стоит доставка в Новосибирск? Хочу заказать две штуки, если есть в наличии."),
        ("uk", "Скільки коштує доставка до Львова? Хочу замовити дві штуки, якщо є в наявності."),
        ("tr", "İstanbul'a kargo ne kadar sürer? İki tane sipariş vermek istiyorum, stokta var mı?"),
        ("ar", "كم تكلفة الشحن إلى الرياض؟ أريد أن أطلب قطعتين إذا كانت متوفرة."),
        ("he", "כמה עולה משלוח לחיפה? אני רוצה להזמין שני פריטים אם יש במלאי."),
        ("ja", "大阪までの送料はいくらですか？在庫があれば二つ注文したいです。"),
        ("ko", "부산까지 배송비가 얼마예요? 재고 있으면 두 개 주문하고 싶어요."),
        ("th", "ส่งไปเชียงใหม่ค่าส่งเท่าไหร่คะ ถ้ามีของอยากสั่งสองชิ้น"),
        ("vi", "Phí giao hàng ra Hà Nội bao nhiêu vậy shop? Mình muốn đặt hai cái nếu còn hàng."),
        ("id", "Berapa ongkos kirim ke Surabaya? Saya mau pesan dua kalau stoknya masih ada."),
        ("zh", "寄到上海的运费是多少？如果有货的话我想买两件。"),
        ("hi", "दिल्ली तक डिलीवरी का कितना खर्च है? अगर स्टॉक में है तो मुझे दो चाहिए।"),
        ("cs", "Kolik stojí doprava do Brna? Chtěla bych objednat dva kusy, pokud jsou skladem."),
        ("ro", "Cât costă livrarea în Cluj? Aș vrea să comand două bucăți dacă mai sunt pe stoc."),
        ("sv", "Hur lång tid tar leveransen till Göteborg? Jag vill beställa två stycken om ni har kvar."),
        ("el", "Πόσο κοστίζουν τα μεταφορικά για Θεσσαλονίκη; Θέλω να παραγγείλω δύο κομμάτια."),
        ("hu", "Mennyi a szállítási díj Debrecenbe? Szeretnék rendelni két darabot, ha van raktáron."),
    ]

    @Test(arguments: sentences)
    func tagsEachLanguageWithoutHints(language: String, text: String) {
        let tag = tagger.tag(text, hints: .none)
        #expect(tag.language == language, "\(text)")
        #expect(tag.confidence >= 0.9 && tag.confidence <= 1, "\(text): \(tag.confidence)")
    }

    static let chat: [(language: String, text: String)] = [
        ("en", "price pls"), ("en", "how much is shipping"), ("es", "¿envían a Brasil?"),
        ("es", "cuánto cuesta"), ("pt", "quanto custa o frete"), ("pt", "vocês entregam no sábado?"),
        ("fr", "c'est combien"), ("de", "wie teuer ist das"), ("it", "quanto costa"),
        ("ru", "сколько стоит"), ("uk", "скільки коштує"), ("pl", "ile to kosztuje"),
        ("tr", "fiyatı ne kadar"), ("nl", "hoeveel kost het"), ("ja", "いくらですか"),
        ("ko", "얼마예요"), ("zh", "多少钱"), ("vi", "bao nhiêu tiền"), ("id", "berapa harganya"),
    ]

    @Test(arguments: chat)
    func tagsShortChatWithoutHints(language: String, text: String) {
        #expect(tagger.tag(text, hints: .none).language == language, "\(text)")
    }

    @Test(arguments: [
        "😀😂👍", "🇧🇷🇧🇷 ❤️", "ℹ️", "12345", "3.14 + 2 = 5.14", "!!! ??? ...", "", "   \n\t  ",
        "https://example.com/some/path?x=1&y=2", "www.example.org", "google.com", "@maria #tbt",
        "📷 https://example.com/p/abc 🔥🔥", "user.name@example.com", "2x", "10/10 +1", "€19,99",
    ])
    func textWithoutLanguageIsUndetermined(text: String) {
        let tag = tagger.tag(text, hints: LanguageHints(locale: "pt-BR", region: "BR"))
        #expect(tag.language == "und", "\(text.debugDescription)")
        #expect(tag.confidence >= 0.9 && tag.confidence <= 1)
    }

    @Test func linksMentionsAndTagsDoNotChangeTheLanguage() {
        let text = "@joana olha isso https://example.com/watch?v=abc que legal, depois te conto #viagem"
        #expect(tagger.tag(text, hints: .none).language == "pt")
        #expect(tagger.tag("これ見てhttps://example.com/aすごい", hints: .none).language == "ja")
    }

    @Test func localeSettlesAWordSeveralLanguagesShare() {
        // "casa" is an everyday word in Portuguese, Spanish and Italian alike.
        let unhinted = tagger.tag("casa", hints: .none)
        #expect(unhinted.confidence < 0.7)
        let portuguese = tagger.tag("casa", hints: LanguageHints(locale: "pt-BR", region: "BR"))
        #expect(portuguese.language == "pt")
        #expect(portuguese.confidence > unhinted.confidence)
        #expect(tagger.tag("casa", hints: LanguageHints(locale: "es_MX", region: "ZZ")).language == "es")
        #expect(tagger.tag("casa", hints: LanguageHints(locale: "it-IT", region: "IT")).language == "it")
    }

    @Test func localeDoesNotOverrideClearTextInAnotherLanguage() {
        let spanish = LanguageHints(locale: "es-ES", region: "ES")
        #expect(tagger.tag("Obrigado pela ajuda, amanhã eu passo aí para buscar.", hints: spanish).language == "pt")
        #expect(tagger.tag("obrigado, até amanhã", hints: spanish).language == "pt")
        let mexican = LanguageHints(locale: "es-MX", region: "MX")
        #expect(tagger.tag("Can you send me the link when you get a chance?", hints: mexican).language == "en")
        #expect(tagger.tag("see you tomorrow", hints: mexican).language == "en")
        let american = LanguageHints(locale: "en-US", region: "US")
        #expect(tagger.tag("wie viel kostet der Versand", hints: american).language == "de")
        #expect(tagger.tag("envían a Chile?", hints: american).language == "es")
    }

    @Test func recentLanguagesActAsAWeakPrior() {
        let hints = LanguageHints(locale: "und", region: "ZZ", recentLanguages: ["it"])
        #expect(tagger.tag("casa", hints: hints).language == "it")
        #expect(tagger.tag("Where is my order? It has been two weeks.", hints: hints).language == "en")
    }

    @Test(arguments: ["Привет, как дела?", "Спасибо", "Привет"])
    func scriptDecidesWhateverTheLocale(text: String) {
        let tag = tagger.tag(text, hints: LanguageHints(locale: "ja-JP", region: "JP"))
        #expect(tag.language == "ru")
    }

    @Test func hebrewAndArabicStayThemselvesWithARussianLocale() {
        let russian = LanguageHints(locale: "ru-RU", region: "RU")
        #expect(tagger.tag("שלום", hints: russian).language == "he")
        #expect(tagger.tag("شكرا", hints: russian).language == "ar")
        #expect(tagger.tag("שלום", hints: russian).confidence >= 0.9)
    }

    @Test func mixedScriptTextGoesWithItsOwnScript() {
        #expect(tagger.tag("iPhone 15 Pro Max цена?", hints: .none).language == "ru")
        #expect(tagger.tag("この iPhone ケース 可愛い", hints: .none).language == "ja")
        #expect(tagger.tag("kana が入ると日本語", hints: LanguageHints(locale: "zh-CN", region: "CN")).language == "ja")
    }

    /// Long texts whose language is settled after a few words, some ending in another script.
    static let longTexts =
        sentences.map(\.text) + [
            "thank you so much for the live today, the jacket looks amazing, спасибо большое",
            "je viens de commander deux paires et une écharpe pour ma mère 谢谢",
            "muito obrigada pela live de hoje, vou comprar o vestido azul ありがとう",
            "gracias por el envío tan rápido, llegó todo perfecto a Lima שלום",
            "ich habe gestern bestellt und es ist schon da, vielen Dank euch allen!!",
        ]

    @Test(arguments: longTexts)
    func settlingGivesTheAnswerOfReadingEverything(text: String) throws {
        let everything = try ModelTagger(model: .embedded, candidates: nil, settles: false)
        for hints in [
            LanguageHints.none, LanguageHints(locale: "es-MX", region: "MX"),
            LanguageHints(locale: "en-US", region: "US"),
        ] {
            let settled = tagger.tag(text, hints: hints)
            let read = everything.tag(text, hints: hints)
            #expect(settled.language == read.language, "\(text) with \(hints)")
            #expect(
                abs(settled.confidence - read.confidence) < 0.05, "\(text): \(settled.confidence) vs \(read.confidence)"
            )
        }
    }

    @Test func tokensLongerThanTheLookupBufferScoreAsIfWhole() throws {
        // The smallest buffer the scorer allows: every token of more than nine symbols is
        // looked up in chunks that carry the n-gram context over.
        let chunked = try ModelTagger(model: .embedded, candidates: nil, settles: false, symbolCapacity: 9)
        let whole = try ModelTagger(model: .embedded, candidates: nil, settles: false, symbolCapacity: 256)
        let texts =
            Self.sentences.map(\.text) + Self.chat.map(\.text) + [
                "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz gilt nicht mehr",
                "incomprehensibilities and antidisestablishmentarianism",
                "東京都特許許可局長今日急遽休暇許可拒否",
                "ส่งไปเชียงใหม่ค่าส่งเท่าไหร่คะถ้ามีของอยากสั่งสองชิ้น",
                "nooooooooooooooooooooooooooooooooooooooooooooooooooooooo way",
            ]
        for text in texts {
            for hints in [LanguageHints.none, LanguageHints(locale: "de-DE", region: "DE")] {
                let expected = whole.tag(text, hints: hints)
                let found = chunked.tag(text, hints: hints)
                #expect(found.language == expected.language, "\(text)")
                #expect(found.confidence == expected.confidence, "\(text)")
            }
        }
    }

    @Test func candidatesRestrictTheAnswers() throws {
        let iberian = try ModelTagger(candidates: ["es", "pt-BR"])
        #expect(iberian.tag("quanto custa o frete", hints: .none).language == "pt")
        #expect(iberian.tag("Where is my order?", hints: .none).language != "en")
        // No candidate is written in Cyrillic: a language, but none this tagger may name.
        let russian = iberian.tag("сколько стоит", hints: .none)
        #expect(russian.language == "und" && russian.confidence < 0.9)
        #expect(throws: LanguageModelError.unsupportedLanguage("xx")) { try ModelTagger(candidates: ["en", "xx"]) }
        #expect(throws: LanguageModelError.noCandidates) { try ModelTagger(candidates: []) }
    }

    @Test func confidenceGrowsWithEvidence() {
        let word = tagger.tag("travel", hints: .none)
        let sentence = tagger.tag("We are planning to travel across the country by train next summer.", hints: .none)
        #expect(word.language == "en" && sentence.language == "en")
        #expect(word.confidence < sentence.confidence)
        #expect(word.confidence > 0 && sentence.confidence <= 1)
        #expect(tagger.tag("안녕", hints: .none).confidence >= 0.9)
        #expect(tagger.tag("ありがとう", hints: .none).language == "ja")
    }

    @Test func exponentialMatchesTheStandardLibrary() {
        for x in stride(from: 0.0, through: 39.9, by: 0.37) {
            let expected = 1 / Double.pow2(x * 1.4426950408889634)
            #expect(abs(ModelTagger.exponential(ofNegative: x) - expected) <= expected * 1e-6)
        }
    }

    @Test func taggingConcurrentlyMatchesTaggingSerially() async {
        let hints: [LanguageHints] = [
            .none, LanguageHints(locale: "pt-BR", region: "BR"), LanguageHints(locale: "es-MX", region: "MX"),
            LanguageHints(locale: "ja", region: "JP"),
            LanguageHints(locale: "en-US", region: "US", recentLanguages: ["es", "pt"]),
        ]
        let texts = Self.sentences.map(\.text) + Self.chat.map(\.text) + ["casa", "ok", "😀"]
        await ConcurrentTagging.expectSameAnswers(tagger, texts: texts, hints: hints)
    }
}

extension Double {
    /// 2^x by repeated squaring of the fractional part's bits: independent of the code tested.
    fileprivate static func pow2(_ x: Double) -> Double {
        let whole = x.rounded(.down)
        var result = Double(sign: .plus, exponent: Int(whole), significand: 1)
        var fraction = x - whole
        var factor = 2.0.squareRoot()
        for _ in 0..<52 {
            fraction *= 2
            if fraction >= 1 {
                result *= factor
                fraction -= 1
            }
            factor = factor.squareRoot()
        }
        return result
    }
}
