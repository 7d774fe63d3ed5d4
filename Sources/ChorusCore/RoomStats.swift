/// A room's counters as served by `GET /v1/rooms/{room}/stats` and in consoles' `stats`
/// frames.
public struct RoomStats: Sendable, Equatable {
    public var room: String
    public var seq: UInt64
    public var viewers: Int
    public var consoles: Int
    public var counters: InteractionCounters
    public var series: MinuteSeries

    public init(
        room: String, seq: UInt64, viewers: Int, consoles: Int, counters: InteractionCounters, series: MinuteSeries
    ) {
        self.room = room
        self.seq = seq
        self.viewers = viewers
        self.consoles = consoles
        self.counters = counters
        self.series = series
    }

    /// The HTTP body: every count, and the per-minute series since `sinceMinute`.
    public func json(sinceMinute: Int64 = .min) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        write(into: &json, sinceMinute: sinceMinute)
        json.endObject()
        return json.bytes
    }

    /// The console frame: `{"type":"stats",…}` with the last `minutes` minutes of the series
    /// (ending at `nowMinute`).
    public func frame(nowMinute: Int64, minutes: Int) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("type", "stats")
        write(into: &json, sinceMinute: nowMinute - Int64(minutes) + 1)
        json.endObject()
        return json.bytes
    }

    private func write(into json: inout JSONWriter, sinceMinute: Int64) {
        json.field("room", room)
        json.field("seq", seq)
        json.field("viewers", viewers)
        json.field("consoles", consoles)
        counters.writeJSON("interactions", into: &json)
        series.writeJSON("perMinute", sinceMinute: sinceMinute, into: &json)
    }
}
