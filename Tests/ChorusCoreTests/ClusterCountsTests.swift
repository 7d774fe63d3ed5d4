import Testing

@testable import ChorusCore

@Suite struct ClusterCountsTests {
    @Test func cellsAddUpByKindLanguageRegionAndMinute() {
        let field = ClusterCounts.field(minute: 100, kind: .chat, language: "es", region: "ES")
        #expect(field == "100|chat|es|ES")
        let counts = ClusterCounts(fields: [
            field: 3, "100|like|und|BR": 2, "101|like|und|BR": 4, "garbage": 9, "x|chat|es|ES": 1,
            "102|nope|es|ES": 1,
        ])
        #expect(counts.counters.total == 9)
        #expect(counts.counters.count(of: .like) == 6)
        #expect(counts.counters.byLanguage == ["es": 3, "und": 6])
        #expect(counts.counters.byRegion == ["ES": 3, "BR": 6])
        #expect(counts.minutes.map(\.minute) == [100, 101])
        #expect(counts.minutes.map(\.total) == [5, 4])
    }
}
