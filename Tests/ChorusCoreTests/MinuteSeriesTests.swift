import Testing

@testable import ChorusCore

/// Per-minute counts: bounded, ordered, restorable; and the stats built from them.
@Suite struct MinuteSeriesTests {
    @Test func countsGoToTheirMinuteAndOnlyTheNewestMinutesAreKept() {
        var series = MinuteSeries(capacity: 3)
        series.record(.like, minute: 10)
        series.record(.like, minute: 10)
        series.record(.chat, minute: 11)
        series.record(.gift, minute: 13)
        series.record(.purchase, minute: 14)
        #expect(series.minutes.map(\.minute) == [11, 13, 14])
        #expect(series.minutes.map(\.total) == [1, 1, 1])
        // A late count for a kept minute lands there; one older than the series is left out.
        series.record(.like, minute: 13)
        series.record(.like, minute: 9)
        #expect(series.minutes.map(\.total) == [1, 2, 1])
    }

    @Test func storedMinutesMergeInOrder() {
        var series = MinuteSeries(capacity: 60)
        series.record(.chat, minute: 20)
        series.add([
            MinuteCount(minute: 18, byKind: [1, 2, 0, 0, 0, 0]), MinuteCount(minute: 20, byKind: [0, 0, 5, 0, 0, 0]),
        ])
        #expect(series.minutes.map(\.minute) == [18, 20])
        #expect(series.minutes.last?.byKind == [1, 0, 5, 0, 0, 0])
    }

    @Test func jsonListsMinutesSinceTheAskedOneWithUnixSeconds() {
        var series = MinuteSeries(capacity: 60)
        series.record(.like, minute: 100)
        series.record(.cart, minute: 101)
        var json = JSONWriter()
        json.beginObject()
        series.writeJSON("perMinute", sinceMinute: 101, into: &json)
        json.endObject()
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == #"{"perMinute":[{"start":6060,"total":1,"byType":{"chat":0,"like":0,"gift":0,"cart":1,"purchase":0,"coupon":0}}]}"#
        )
    }

    @Test func nodeStatsCountShowsRegionsAndLanguagesWithoutTheUnknownOnes() {
        let configuration = Hub.Configuration(
            batch: .init(maxMessages: 100, maxDelayMs: 50, leadingEdge: false),
            staticRooms: ["lobby", "quiet"],
            autoCreateRooms: true, roomIdleNanoseconds: 1_000_000, shardCount: 1)
        var hub = Hub(configuration: configuration, now: 0)
        for (region, locale) in [("BR", "pt-BR"), ("ZZ", ""), ("US", "en-US")] {
            _ = hub.ingest(
                room: "lobby", payload: .like(count: 1), author: Author(user: "u", locale: locale, region: region),
                clientID: nil, tag: nil, wallMs: 120_000, now: 0)
        }
        hub.restore(["closed-show": hub.stats(room: "lobby")!.counters])
        let stats = hub.nodeStats()
        #expect(stats.rooms == 2)
        #expect(stats.shows == 2)
        #expect(stats.counters.total == 6)
        #expect(stats.series.minutes == [MinuteCount(minute: 2, byKind: [0, 3, 0, 0, 0, 0])])
        let text = String(decoding: stats.json(), as: UTF8.self)
        #expect(text.contains(#""regions":2,"languages":2"#))
    }
}
