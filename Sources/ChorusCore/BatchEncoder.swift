/// Encodes a room batch once; the same bytes go to every member.
public enum BatchEncoder {
    /// - Parameter languages: when given, chat in other languages is left out and counted
    ///   in `filtered`; the range still covers the whole batch so consoles see no gap.
    public static func encode(
        room: String, range: ClosedRange<UInt64>, messages: [RoomMessage], languages: Set<String>? = nil
    ) -> [UInt8] {
        ServerFrames.frame("batch", capacity: 96 + messages.count * 200) { json in
            json.field("room", room)
            json.field("from", range.lowerBound)
            json.field("to", range.upperBound)
            json.beginArray("messages")
            var filtered = 0
            for message in messages {
                if let languages, case .chat = message.payload, !languages.contains(message.language) {
                    filtered += 1
                } else {
                    encode(message, into: &json)
                }
            }
            json.endArray()
            if languages != nil { json.field("filtered", filtered) }
        }
    }

    static func encode(_ message: RoomMessage, into json: inout JSONWriter) {
        json.beginObject()
        json.field("seq", message.seq)
        json.field("type", message.payload.kind.rawValue)
        json.field("user", message.author.user)
        json.field("locale", message.author.locale)
        json.field("region", message.author.region)
        json.field("ts", message.receivedAtMillis)
        if let clientID = message.clientID { json.field("cid", clientID) }
        switch message.payload {
        case .chat(let text):
            json.field("text", text)
        case .like(let count):
            json.field("count", count)
        case .gift(let name, let amount):
            json.field("gift", name)
            json.field("amount", amount)
        case .cart(let sku):
            json.field("sku", sku)
        case .purchase(let sku, let quantity):
            json.field("sku", sku)
            json.field("qty", quantity)
        case .coupon(let code):
            json.field("code", code)
        }
        json.field("lang", message.language)
        if let confidence = message.confidence { json.field("conf", fraction: confidence) }
        json.endObject()
    }
}
