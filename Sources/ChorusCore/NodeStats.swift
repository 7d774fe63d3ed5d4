/// The node's counters as served by `GET /v1/stats`: every interaction counted (stored
/// counts included), rooms open now and shows ever counted, people connected.
public struct NodeStats: Sendable, Equatable {
    /// Rooms open now.
    public var rooms: Int
    /// Rooms with at least one counted interaction, open or not (restored ones included).
    public var shows: Int
    public var viewers: Int
    public var consoles: Int
    public var counters: InteractionCounters
    public var series: MinuteSeries

    public func json(sinceMinute: Int64 = .min) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("rooms", rooms)
        json.field("shows", shows)
        json.field("viewers", viewers)
        json.field("consoles", consoles)
        // Distinct known ones: ZZ (unknown region) and und (no language) are not counted.
        json.field("regions", counters.byRegion.keys.count { $0 != "ZZ" })
        json.field("languages", counters.byLanguage.keys.count { $0 != "und" })
        counters.writeJSON("interactions", into: &json)
        series.writeJSON("perMinute", sinceMinute: sinceMinute, into: &json)
        json.endObject()
        return json.bytes
    }
}

extension Hub {
    public func nodeStats() -> NodeStats {
        var shows = archivedCounters.count
        var viewers = 0
        var consoles = 0
        for room in rooms.values {
            if room.counters.total > 0 { shows += 1 }
            viewers += room.viewers
            consoles += room.consoles
        }
        return NodeStats(
            rooms: rooms.count, shows: shows, viewers: viewers, consoles: consoles, counters: totals,
            series: totalSeries)
    }
}
