/// Encodes a room batch once; the same bytes go to every member.
public enum BatchEncoder {
    /// - Parameter languages: when given, chat in other languages is left out and counted
    ///   in `filtered`; the range still covers the whole batch so consoles see no gap.
    public static func encode(
        room: String, range: ClosedRange<UInt64>, messages: [RoomMessage], languages: Set<String>? = nil
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 96 + messages.count * 200)
        json.raw("{\"type\":\"batch\",")
        json.key("room")
        json.string(room)
        json.raw(",")
        json.key("from")
        json.integer(range.lowerBound)
        json.raw(",")
        json.key("to")
        json.integer(range.upperBound)
        json.raw(",\"messages\":[")
        var written = 0
        var filtered = 0
        for message in messages {
            if let languages, case .chat = message.payload, !languages.contains(message.language) {
                filtered += 1
                continue
            }
            if written > 0 { json.raw(",") }
            encode(message, into: &json)
            written += 1
        }
        json.raw("]")
        if languages != nil {
            json.raw(",")
            json.key("filtered")
            json.integer(filtered)
        }
        json.raw("}")
        return json.bytes
    }

    static func encode(_ message: RoomMessage, into json: inout JSONWriter) {
        json.raw("{")
        json.key("seq")
        json.integer(message.seq)
        json.raw(",")
        json.key("type")
        json.string(message.payload.kind.rawValue)
        json.raw(",")
        json.key("user")
        json.string(message.author.user)
        json.raw(",")
        json.key("locale")
        json.string(message.author.locale)
        json.raw(",")
        json.key("region")
        json.string(message.author.region)
        json.raw(",")
        json.key("ts")
        json.integer(message.receivedAtMillis)
        if let clientID = message.clientID {
            json.raw(",")
            json.key("cid")
            json.string(clientID)
        }
        switch message.payload {
        case .chat(let text):
            json.raw(",")
            json.key("text")
            json.string(text)
        case .like(let count):
            json.raw(",")
            json.key("count")
            json.integer(count)
        case .gift(let name, let amount):
            json.raw(",")
            json.key("gift")
            json.string(name)
            json.raw(",")
            json.key("amount")
            json.integer(amount)
        case .cart(let sku):
            json.raw(",")
            json.key("sku")
            json.string(sku)
        case .purchase(let sku, let quantity):
            json.raw(",")
            json.key("sku")
            json.string(sku)
            json.raw(",")
            json.key("qty")
            json.integer(quantity)
        case .coupon(let code):
            json.raw(",")
            json.key("code")
            json.string(code)
        }
        json.raw(",")
        json.key("lang")
        json.string(message.language)
        if let confidence = message.confidence {
            json.raw(",")
            json.key("conf")
            json.fraction(confidence)
        }
        json.raw("}")
    }
}
