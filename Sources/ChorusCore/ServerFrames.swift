/// Encoders for every frame the server sends. Each returns the JSON text as bytes.
public enum ServerFrames {
    public struct BatchSettings: Sendable, Equatable {
        public var maxMessages: Int
        public var maxDelayMilliseconds: Int

        public init(maxMessages: Int, maxDelayMilliseconds: Int) {
            self.maxMessages = maxMessages
            self.maxDelayMilliseconds = maxDelayMilliseconds
        }
    }

    public static func viewerWelcome(room: String, seq: UInt64, author: Author, batch: BatchSettings) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"type\":\"welcome\",\"role\":\"viewer\",")
        json.key("room")
        json.string(room)
        json.raw(",")
        json.key("seq")
        json.integer(seq)
        json.raw(",")
        json.key("user")
        json.string(author.user)
        json.raw(",")
        json.key("locale")
        json.string(author.locale)
        json.raw(",")
        json.key("region")
        json.string(author.region)
        json.raw(",")
        batchSettings(batch, into: &json)
        json.raw("}")
        return json.bytes
    }

    public static func consoleWelcome(rooms: [(room: String, seq: UInt64)], languages: [String], batch: BatchSettings)
        -> [UInt8]
    {
        var json = JSONWriter()
        json.raw("{\"type\":\"welcome\",\"role\":\"console\",\"rooms\":[")
        for (position, entry) in rooms.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("{")
            json.key("room")
            json.string(entry.room)
            json.raw(",")
            json.key("seq")
            json.integer(entry.seq)
            json.raw("}")
        }
        json.raw("],")
        json.key("langs")
        json.stringArray(languages)
        json.raw(",")
        batchSettings(batch, into: &json)
        json.raw("}")
        return json.bytes
    }

    public static func subscribed(room: String, seq: UInt64) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"type\":\"subscribed\",")
        json.key("room")
        json.string(room)
        json.raw(",")
        json.key("seq")
        json.integer(seq)
        json.raw("}")
        return json.bytes
    }

    public static func unsubscribed(room: String) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"type\":\"unsubscribed\",")
        json.key("room")
        json.string(room)
        json.raw("}")
        return json.bytes
    }

    public static func missed(room: String, range: ClosedRange<UInt64>) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"type\":\"missed\",")
        json.key("room")
        json.string(room)
        json.raw(",")
        json.key("from")
        json.integer(range.lowerBound)
        json.raw(",")
        json.key("to")
        json.integer(range.upperBound)
        json.raw(",")
        json.key("count")
        json.integer(range.upperBound - range.lowerBound + 1)
        json.raw("}")
        return json.bytes
    }

    public static func error(_ error: ProtocolError) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"type\":\"error\",")
        json.key("code")
        json.string(error.code)
        json.raw(",")
        json.key("message")
        json.string(error.message)
        json.raw("}")
        return json.bytes
    }

    private static func batchSettings(_ batch: BatchSettings, into json: inout JSONWriter) {
        json.raw("\"batch\":{")
        json.key("maxMessages")
        json.integer(batch.maxMessages)
        json.raw(",")
        json.key("maxDelayMs")
        json.integer(batch.maxDelayMilliseconds)
        json.raw("}")
    }
}
