/// Short live-shopping chat lines in several languages, for scenarios that load the tagger.
///
/// Written for the bench (not taken from any evaluation set), each at most 80 characters and
/// free of anything that needs JSON escaping. `mixed` interleaves the languages so consecutive
/// messages, and so every batch, hold a mix, as a busy international stream would.
enum ChatPhrasebook {
    static let english = [
        "does this come in a bigger size?",
        "just ordered mine, so excited lol",
        "what is the shipping time to Canada",
        "love the color, is it still in stock?",
        "can you show how it looks from the back",
        "my mom has this one and she loves it",
        "how much is the blue one with the discount",
    ]

    static let spanish = [
        "¿hacen envíos a México?",
        "me encanta ese color, ¿cuánto cuesta?",
        "ya lo compré, gracias por la promo",
        "¿tienen talla mediana todavía?",
        "qué bonito, lo quiero para mi hermana",
        "¿cuánto tarda en llegar el pedido?",
        "saludos desde Bogotá, buen directo",
    ]

    static let portuguese = [
        "vocês entregam no Brasil?",
        "amei essa cor, ainda tem no estoque?",
        "quanto custa o kit completo?",
        "acabei de comprar, chega quando?",
        "mostra de novo o tamanho grande por favor",
        "minha irmã comprou e adorou demais",
        "tem desconto para primeira compra?",
    ]

    static let french = [
        "est-ce que vous livrez en Belgique ?",
        "j'adore cette couleur, il en reste ?",
        "combien coûte le sac noir ?",
        "je viens de commander, merci beaucoup",
        "vous pouvez montrer l'arrière du manteau ?",
        "c'est trop joli, je le veux pour ma fille",
        "la livraison prend combien de jours ?",
    ]

    static let german = [
        "liefert ihr auch nach Österreich?",
        "die Farbe ist toll, gibt es das noch?",
        "wie viel kostet die große Flasche?",
        "gerade bestellt, freue mich schon sehr",
        "könnt ihr die Rückseite noch mal zeigen?",
        "meine Schwester hat das und liebt es",
        "wie lange dauert der Versand ungefähr?",
    ]

    static let italian = [
        "spedite anche in Svizzera?",
        "adoro questo colore, è ancora disponibile?",
        "quanto costa la borsa marrone?",
        "appena ordinato, non vedo l'ora",
        "puoi mostrare di nuovo la taglia grande?",
        "mia madre ce l'ha e ne è contentissima",
        "quanti giorni ci vogliono per la consegna?",
    ]

    static let russian = [
        "а доставка в Казахстан есть?",
        "очень красивый цвет, ещё есть в наличии?",
        "сколько стоит большой набор?",
        "только что заказала, жду с нетерпением",
        "покажите, пожалуйста, сзади",
        "у сестры такой же, она в восторге",
        "сколько дней идёт доставка?",
    ]

    static let japanese = [
        "日本にも発送できますか？",
        "この色すごくかわいい！まだ在庫ありますか",
        "大きいサイズはいくらですか",
        "今注文しました、届くのが楽しみです",
        "後ろ側ももう一度見せてください",
        "妹も持っていてとても気に入っています",
        "配送には何日くらいかかりますか",
    ]

    static let emoji = [
        "😍😍😍",
        "🔥🔥",
        "👏👏👏👏",
        "❤️❤️",
        "😂🙌",
        "💯🛍️",
        "🥰✨",
    ]

    static let languages = [english, spanish, portuguese, french, german, italian, russian, japanese, emoji]

    /// Every line, languages interleaved (one line of each language in turn), as UTF-8.
    static var mixed: [[UInt8]] {
        let longest = languages.map(\.count).max() ?? 0
        var lines: [[UInt8]] = []
        for index in 0..<longest {
            for language in languages where index < language.count {
                lines.append(Array(language[index].utf8))
            }
        }
        return lines
    }
}
