import ChorusCore
import ChorusServer
import ChorusStorage
import ChorusTransport
import Foundation
import Logging

/// A relay that is never started (no sockets, no service threads) with a real SQLite store in
/// a temporary directory: enough for the committer and the exporter, which only read and take
/// from the hub.
final class RelayFixture {
    let directory: String
    let relay: RelayServer
    let store: SQLiteCounterStore
    let logger = Logger(label: "chorus-test") { _ in SwiftLogNoOpLogHandler() }
    static let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    init() throws {
        directory = NSTemporaryDirectory() + "chorus-server-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = ChorusConfig()
        config.rooms.staticRooms = ["show", "other"]
        config.transport.serviceThreads = 1
        config.storage.engine = .sqlite
        relay = RelayServer(
            config: config, tagger: FixedTagger(), consoleSecret: Array("0123456789abcdef".utf8),
            responder: NoResponder(), logger: logger)
        store = try SQLiteCounterStore(path: directory + "/counters.sqlite3")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func makeCommitter(store: (any CounterStore)? = nil) -> CounterCommitter {
        CounterCommitter(
            relay: relay, store: store ?? self.store, intervalMs: 20, quietIntervalMs: 20, logger: logger)
    }

    /// Accepts `count` interactions of `payload` in `room`, as a viewer's frames would be.
    func ingest(_ count: Int, _ payload: InteractionPayload, room: String = "show") {
        relay.withHub { hub in
            for _ in 0..<count {
                _ = hub.ingest(
                    room: room, payload: payload, author: Self.author, clientID: nil, tag: nil,
                    wallMs: 1_700_000_000_000, now: MonotonicClock.nanoseconds())
            }
        }
    }

    /// Every text is Portuguese: the tests look at counts, not at tagging.
    struct FixedTagger: LanguageTagger {
        func tag(_ text: String, hints: LanguageHints) -> LanguageTag {
            LanguageTag(language: "pt", confidence: 1)
        }
    }

    struct NoResponder: HTTPResponder {
        func respond(to request: HTTPRequest, relay: RelayServer) -> HTTPResponse {
            HTTPResponse(status: 404, contentType: "text/plain", body: [])
        }
    }
}
