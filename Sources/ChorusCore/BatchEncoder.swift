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

    /// What a viewer that has fallen behind keeps of a batch: its commerce interactions
    /// (gift, cart, purchase, coupon) in full, its likes folded into `likes` (messages) and
    /// `likeCount` (their summed counts), its chat counted in `dropped`. The range is the
    /// batch's, so `from...to` is exactly the kept messages' seqs plus `likes` plus `dropped`.
    /// Nil when there is nothing worth keeping (chat only) or nothing to shed (commerce only).
    public static func encodeShed(room: String, range: ClosedRange<UInt64>, messages: [RoomMessage]) -> [UInt8]? {
        var kept = 0
        var likes = 0
        var likeCount = 0
        for message in messages {
            switch message.payload {
            case .chat: break
            case .like(let count):
                likes += 1
                likeCount += count
            default: kept += 1
            }
        }
        guard kept + likes > 0, kept < messages.count else { return nil }
        return ServerFrames.frame("batch", capacity: 128 + kept * 200) { json in
            json.field("room", room)
            json.field("from", range.lowerBound)
            json.field("to", range.upperBound)
            json.beginArray("messages")
            for message in messages where message.payload.isCommerce { encode(message, into: &json) }
            json.endArray()
            json.field("likes", likes)
            json.field("likeCount", likeCount)
            json.field("dropped", messages.count - kept - likes)
        }
    }

    /// One message object. This runs for every message of every batch, so member names are
    /// written together with their punctuation as single literals instead of through `field`
    /// (one append per member instead of four); the output is the same.
    static func encode(_ message: RoomMessage, into json: inout JSONWriter) {
        json.beginObject()
        json.raw("\"seq\":")
        json.integer(message.seq)
        json.raw(typeMember(message.payload.kind))
        json.raw(",\"user\":")
        json.string(message.author.user)
        json.raw(",\"locale\":")
        json.string(message.author.locale)
        json.raw(",\"region\":")
        json.string(message.author.region)
        json.raw(",\"ts\":")
        json.integer(message.receivedAtMs)
        if let clientID = message.clientID {
            json.raw(",\"cid\":")
            json.string(clientID)
        }
        switch message.payload {
        case .chat(let text):
            json.raw(",\"text\":")
            json.string(text)
        case .like(let count):
            json.raw(",\"count\":")
            json.integer(count)
        case .gift(let name, let amount):
            json.raw(",\"gift\":")
            json.string(name)
            json.raw(",\"amount\":")
            json.integer(amount)
        case .cart(let sku):
            json.raw(",\"sku\":")
            json.string(sku)
        case .purchase(let sku, let quantity):
            json.raw(",\"sku\":")
            json.string(sku)
            json.raw(",\"qty\":")
            json.integer(quantity)
        case .coupon(let code):
            json.raw(",\"code\":")
            json.string(code)
        }
        json.raw(",\"lang\":")
        json.string(message.language)
        if let confidence = message.confidence {
            json.raw(",\"conf\":")
            json.fraction(confidence)
        }
        json.endObject()
    }

    private static func typeMember(_ kind: InteractionKind) -> StaticString {
        switch kind {
        case .chat: ",\"type\":\"chat\""
        case .like: ",\"type\":\"like\""
        case .gift: ",\"type\":\"gift\""
        case .cart: ",\"type\":\"cart\""
        case .purchase: ",\"type\":\"purchase\""
        case .coupon: ",\"type\":\"coupon\""
        }
    }
}
