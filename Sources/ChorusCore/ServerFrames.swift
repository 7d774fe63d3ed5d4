/// Encoders for every frame the server sends. Each returns the JSON text as bytes.
public enum ServerFrames {
    public struct BatchSettings: Sendable, Equatable {
        public var maxMessages: Int
        public var maxDelayMs: Int
        /// A quiet room's next message leaves at once (`batch.leadingEdge`, `Hub.ingest`).
        public var leadingEdge: Bool

        public init(maxMessages: Int, maxDelayMs: Int, leadingEdge: Bool) {
            self.maxMessages = maxMessages
            self.maxDelayMs = maxDelayMs
            self.leadingEdge = leadingEdge
        }

        /// The window in nanoseconds.
        public var maxDelayNanoseconds: UInt64 { UInt64(maxDelayMs) * 1_000_000 }

        /// How often due batches are looked for: a tenth of the window, 1 to 10 ms. Finer
        /// ticks cost a loop pass each (a wake-up per millisecond cost 5 points of a core in
        /// the many-rooms shape); coarser ones add their whole period to the latency.
        public var flushTickNanoseconds: UInt64 {
            UInt64(max(1, min(10, maxDelayMs / 10))) * 1_000_000
        }
    }

    /// The locale notices are written in (negotiated from the declared one) and its direction.
    public struct NoticeLocale: Sendable, Equatable {
        public var tag: String
        public var direction: LocaleMessages.Direction

        public init(tag: String, direction: LocaleMessages.Direction) {
            self.tag = tag
            self.direction = direction
        }
    }

    public static func viewerWelcome(
        room: String, seq: UInt64, author: Author, languages: [String], feed: ViewerFeed = .all,
        batch: BatchSettings, notice: LocalizedNotice? = nil, noticeLocale: NoticeLocale? = nil
    ) -> [UInt8] {
        frame("welcome") { json in
            json.field("role", "viewer")
            json.field("room", room)
            json.field("seq", seq)
            json.field("user", author.user)
            json.field("locale", author.locale)
            json.field("region", author.region)
            json.field("langs", strings: languages)
            json.field("feed", feed.rawValue)
            batchSettings(batch, into: &json)
            noticeFields(notice, locale: noticeLocale, into: &json)
        }
    }

    public static func consoleWelcome(
        rooms: [(room: String, seq: UInt64)], languages: [String], batch: BatchSettings,
        noticeLocale: NoticeLocale? = nil
    ) -> [UInt8] {
        frame("welcome") { json in
            json.field("role", "console")
            json.beginArray("rooms")
            for entry in rooms {
                json.beginObject()
                json.field("room", entry.room)
                json.field("seq", entry.seq)
                json.endObject()
            }
            json.endArray()
            json.field("langs", strings: languages)
            batchSettings(batch, into: &json)
            noticeFields(nil, locale: noticeLocale, into: &json)
        }
    }

    public static func subscribed(room: String, seq: UInt64) -> [UInt8] {
        frame("subscribed") { json in
            json.field("room", room)
            json.field("seq", seq)
        }
    }

    public static func unsubscribed(room: String) -> [UInt8] {
        frame("unsubscribed") { json in json.field("room", room) }
    }

    /// Tells a viewer that its interaction was accepted and counted, with the sequence number
    /// it has in the room (and the client's `cid`, when it gave one). `duplicate`: the
    /// interaction repeated an idempotency key already accepted; `seq` is the first one's.
    public static func ack(room: String, seq: UInt64, clientID: String?, duplicate: Bool = false) -> [UInt8] {
        frame("ack") { json in
            json.field("room", room)
            json.field("seq", seq)
            if let clientID { json.field("cid", clientID) }
            if duplicate { json.field("duplicate", true) }
        }
    }

    /// Sequence numbers a viewer lost when its queue overflowed.
    public static func missed(room: String, range: ClosedRange<UInt64>, notice: LocalizedNotice? = nil) -> [UInt8] {
        rangeFrame("missed", room: room, range: range, notice: notice)
    }

    /// Sequence numbers a resuming member asked for that the room's history no longer holds.
    public static func gap(room: String, range: ClosedRange<UInt64>, notice: LocalizedNotice? = nil) -> [UInt8] {
        rangeFrame("gap", room: room, range: range, notice: notice)
    }

    private static func rangeFrame(
        _ type: String, room: String, range: ClosedRange<UInt64>, notice: LocalizedNotice?
    ) -> [UInt8] {
        frame(type) { json in
            json.field("room", room)
            json.field("from", range.lowerBound)
            json.field("to", range.upperBound)
            json.field("count", range.upperBound - range.lowerBound + 1)
            noticeFields(notice, into: &json)
        }
    }

    /// `clientID`: the `cid` of the refused frame, so the client knows which message it was.
    /// `message` stays English (for logs and developers); `text` is for the person.
    public static func error(_ error: ProtocolError, clientID: String? = nil, notice: LocalizedNotice? = nil)
        -> [UInt8]
    {
        frame("error") { json in
            json.field("code", error.code)
            json.field("message", error.message)
            if let retryAfter = error.retryAfterMs { json.field("retryAfterMs", retryAfter) }
            if let clientID { json.field("cid", clientID) }
            noticeFields(notice, into: &json)
        }
    }

    /// A room's slow mode changed (or a console set it): every member of the room gets this.
    public static func slowMode(room: String, seconds: Int, notice: LocalizedNotice? = nil) -> [UInt8] {
        frame("slowmode") { json in
            json.field("room", room)
            json.field("seconds", seconds)
            noticeFields(notice, into: &json)
        }
    }

    /// A notice on its own (the server is restarting, a connection is about to be closed).
    public static func notice(_ notice: LocalizedNotice) -> [UInt8] {
        frame("notice") { json in noticeFields(notice, into: &json) }
    }

    /// `"notice":<stable code>,"text":<localized>` (and, in welcomes, the notices' locale).
    private static func noticeFields(
        _ notice: LocalizedNotice?, locale: NoticeLocale? = nil, into json: inout JSONWriter
    ) {
        if let notice {
            json.field("notice", notice.code)
            json.field("text", notice.text)
        }
        if let locale {
            json.field("noticeLocale", locale.tag)
            json.field("dir", locale.direction.rawValue)
        }
    }

    /// `{"type":<type>, …fields}`.
    static func frame(_ type: String, capacity: Int = 256, _ fields: (inout JSONWriter) -> Void) -> [UInt8] {
        var json = JSONWriter(capacity: capacity)
        json.beginObject()
        json.field("type", type)
        fields(&json)
        json.endObject()
        return json.bytes
    }

    private static func batchSettings(_ batch: BatchSettings, into json: inout JSONWriter) {
        json.beginObject("batch")
        json.field("maxMessages", batch.maxMessages)
        json.field("maxDelayMs", batch.maxDelayMs)
        json.endObject()
    }
}
