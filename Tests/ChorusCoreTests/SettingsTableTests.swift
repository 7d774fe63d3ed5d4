import Foundation
import Testing

@testable import ChorusCore

/// The table of settings is the only place a key is spelled: these check that README shows
/// it as generated and that each entry reads and writes its own field.
@Suite struct SettingsTableTests {
    @Test func readmeShowsTheGeneratedTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardizedFileURL
        let text = try String(contentsOf: readme, encoding: .utf8)
        let table = try #require(ChorusConfig.settingsTable(in: text), "README.md lost its settings table markers")
        #expect(
            table == ChorusConfig.settingsMarkdown,
            "README.md's configuration table is stale: run `swift run chorusd settings --update-readme README.md`")
    }

    @Test func replacingTheTableKeepsTheRestOfTheDocument() throws {
        let document = "intro\n\(ChorusConfig.settingsTableStart)\n| old |\n\(ChorusConfig.settingsTableEnd)\nrest\n"
        let updated = try #require(ChorusConfig.replacingSettingsTable(in: document))
        #expect(
            updated
                == "intro\n\(ChorusConfig.settingsTableStart)\n\(ChorusConfig.settingsMarkdown)"
                + "\(ChorusConfig.settingsTableEnd)\nrest\n")
        #expect(ChorusConfig.replacingSettingsTable(in: "no markers") == nil)
    }

    @Test func keysAndEnvironmentNamesAreUniqueAndUnchanged() {
        #expect(Set(ChorusConfig.keys).count == ChorusConfig.keys.count)
        let names = ChorusConfig.settings.map(\.environmentName)
        #expect(Set(names).count == names.count)
        let known = [
            "batch.maxDelayMs": "CHORUS_BATCH_MAX_DELAY_MS",
            "limits.maxConnectionsPerIP": "CHORUS_LIMITS_MAX_CONNECTIONS_PER_IP",
            "stateDir": "CHORUS_STATE_DIR",
            "console.secret": "CHORUS_CONSOLE_SECRET",
            "transport.serviceThreads": "CHORUS_TRANSPORT_SERVICE_THREADS",
            "rooms.static": "CHORUS_ROOMS_STATIC",
        ]
        for (key, name) in known {
            #expect(ChorusConfig.settingsByKey[key]?.environmentName == name)
        }
        #expect(ChorusConfig.keys.count == 49)
    }

    /// A copy-pasted entry would write another entry's field: each key, set from text to a
    /// value other than its default, changes what its own entry shows and nothing else.
    @Test func everyEntryWritesItsOwnField() throws {
        let defaults = ChorusConfig()
        let candidates = ["7", "false", "true", "poll", "cld2", "memory", "de,fr", "some-text"]
        for setting in ChorusConfig.settings {
            var changed: ChorusConfig?
            for text in candidates {
                var config = defaults
                if (try? config.set(setting.key, text: text)) != nil, config != defaults {
                    changed = config
                    break
                }
            }
            let config = try #require(changed, "\(setting.key) takes none of \(candidates)")
            for other in ChorusConfig.settings {
                let moved = other.render(config) != other.render(defaults)
                #expect(moved == (other.key == setting.key), "setting \(setting.key) moved \(other.key)")
            }
        }
    }

    @Test func textIsReadByTheKeysType() throws {
        var config = ChorusConfig()
        try config.set("storage.syncEveryCommit", text: "yes")
        try config.set("rooms.autoCreate", text: "1")
        try config.set("listen.host", text: "8080")
        try config.set("console.secret", text: "1234567890123456")
        try config.set("rooms.static", text: "lobby,show-1")
        #expect(config.storage.syncEveryCommit && config.rooms.autoCreate)
        #expect(config.listen.host == "8080" && config.console.secret == "1234567890123456")
        #expect(config.rooms.staticRooms == ["lobby", "show-1"])
        #expect(throws: ConfigError(key: "listen.port", reason: "must be an integer")) {
            try config.set("listen.port", text: "http")
        }
        #expect(throws: ConfigError(key: "rooms.autoCreate", reason: "must be true or false")) {
            try config.set("rooms.autoCreate", text: "maybe")
        }
        #expect(throws: ConfigError(key: "transport.eventLoop", reason: "must be libev or poll")) {
            try config.set("transport.eventLoop", text: "epoll")
        }
        #expect(throws: ConfigError(key: "storage.engine", reason: "must be sqlite or memory")) {
            try config.set("storage.engine", .number(1))
        }
        #expect(throws: ConfigError(key: "batch.maxDelay", reason: "is not a known setting")) {
            try config.set("batch.maxDelay", text: "20")
        }
        try config.apply(try JSONParser.parse(Array(#"{"console":{"secret":null}}"#.utf8)))
        #expect(config.console.secret == nil)
    }

    /// Messages are derived from each entry's rule; these are the ones users have seen.
    @Test func validationMessagesNameTheKeyAndTheRule() {
        let cases: [(String, (inout ChorusConfig) -> Void, String)] = [
            ("listen.host", { $0.listen.host = "" }, "must not be empty"),
            (
                "logLevel", { $0.logLevel = "loud" },
                "must be one of trace, debug, info, notice, warning, error, critical"
            ),
            ("transport.ingressHighWatermark", { $0.transport.ingressHighWatermark = -1 }, "must not be negative"),
            ("limits.maxErrorsPerConnection", { $0.limits.maxErrorsPerConnection = 0 }, "must be at least 1"),
            ("limits.viewerQueueBytes", { $0.limits.viewerQueueBytes = 1 }, "must be in 4096...536870912"),
            ("rooms.static", { $0.rooms.staticRooms = ["ok", "not ok"] }, "'not ok' is not a valid room name"),
            ("language.candidates", { $0.language.candidates = [] }, "must name at least one language"),
            (
                "language.candidates", { $0.language.candidates = ["en", "EN"] },
                "'EN' is not a lowercase ISO 639-1 code"
            ),
            ("language.candidates", { $0.language.candidates = ["en", "en"] }, "names a language twice"),
            (
                "storage.quietCommitIntervalMs", { $0.storage.quietCommitIntervalMs = 10 },
                "must be in storage.commitIntervalMs...10000"
            ),
            ("stats.consoleIntervalMs", { $0.stats.consoleIntervalMs = 50 }, "must be 0 or in 100...60000"),
            ("console.secret", { $0.console.secret = "short" }, "must be at least 16 bytes"),
        ]
        for (key, breakIt, reason) in cases {
            var config = ChorusConfig()
            breakIt(&config)
            #expect(throws: ConfigError(key: key, reason: reason)) { try config.validate() }
        }
        var config = ChorusConfig()
        config.stats.consoleIntervalMs = 0
        config.console.secret = nil
        #expect(throws: Never.self) { try config.validate() }
    }

    @Test func hubConfigurationComesFromTheTree() {
        var config = ChorusConfig()
        config.batch.maxDelayMs = 20
        config.rooms.idleSeconds = 5
        config.rooms.historySeconds = 7
        config.storage.idempotencyWindowSeconds = 9
        config.stats.seriesMinutes = 11
        let hub = Hub.Configuration(config, shardCount: 3)
        #expect(hub.batch == ServerFrames.BatchSettings(maxMessages: 256, maxDelayMilliseconds: 20, leadingEdge: true))
        #expect(hub.shardCount == 3 && hub.staticRooms == ["lobby"] && !hub.autoCreateRooms)
        #expect(hub.roomIdleNanoseconds == 5_000_000_000 && hub.historyNanoseconds == 7_000_000_000)
        #expect(hub.historyMessages == 4096)
        #expect(hub.idempotencyWindowMillis == 9000 && hub.idempotencyCapacity == 200_000)
        #expect(hub.seriesMinutes == 11)
        #expect(hub.durableCounting && hub.sequenceBlock == Hub.Configuration.storedSequenceBlock)
        config.storage.engine = .memory
        let memory = Hub.Configuration(config, shardCount: 1)
        #expect(!memory.durableCounting && memory.sequenceBlock == 0)
    }
}
