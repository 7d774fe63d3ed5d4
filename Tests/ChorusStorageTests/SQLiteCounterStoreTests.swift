import ChorusCore
import ChorusStorage
import Foundation
import Testing

/// The SQLite store against a real database file.
@Suite struct SQLiteCounterStoreTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "chorus-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func key(_ room: String, _ kind: InteractionKind, _ language: String, minute: Int64 = 29_000_000) -> CounterKey {
        CounterKey(room: room, kind: kind, language: language, region: "BR", minute: minute)
    }

    @Test func commitsAddUpAndSurviveReopening() throws {
        let path = directory + "/counters.sqlite3"
        do {
            let store = try SQLiteCounterStore(path: path)
            try store.commit([key("show", .chat, "pt"): 3, key("show", .like, "pt"): 2])
            try store.commit([key("show", .chat, "pt"): 4, key("show", .chat, "pt", minute: 29_000_001): 1])
            try store.commit([key("other", .purchase, "es"): 5_000_000_000])
        }
        let reopened = try SQLiteCounterStore(path: path)
        let rooms = try reopened.loadRoomCounters()
        #expect(rooms["show"]?.total == 10)
        #expect(rooms["show"]?.count(of: .chat) == 8)
        #expect(rooms["show"]?.byLanguage["pt"] == 10)
        #expect(rooms["other"]?.count(of: .purchase) == 5_000_000_000)
        let series = try reopened.minuteSeries(room: "show", since: 0)
        #expect(series.map(\.minute) == [29_000_000, 29_000_001])
        #expect(series.map(\.count) == [9, 1])
    }

    @Test func anUnwritablePathIsATypedError() {
        #expect(throws: StorageError.self) { try SQLiteCounterStore(path: "/proc/chorus/counters.sqlite3") }
    }
}
