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
            "tls.certificateFile": "CHORUS_TLS_CERTIFICATE_FILE",
        ]
        for (key, name) in known {
            #expect(ChorusConfig.settingsByKey[key]?.environmentName == name)
        }
        // 49 keys, then tls.certificateFile, tls.privateKeyFile, tls.minimumVersion,
        // shutdown.drainPerWave, shutdown.drainWaveIntervalMs, limits.maxChatBytes,
        // limits.maxMarksPerCharacter, limits.handshakeTimeoutSeconds, limits.maxRequestHeadBytes
        // and limits.libraryLogLinesPerSecond.
        #expect(ChorusConfig.keys.count == 63)
    }

    /// A copy-pasted entry would write another entry's field: each key, set from text to a
    /// value other than its default, changes what its own entry shows and nothing else.
    @Test func everyEntryWritesItsOwnField() throws {
        let defaults = ChorusConfig()
        let candidates = ["7", "false", "true", "poll", "cld2", "memory", "1.3", "de,fr", "some-text"]
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

    @Test func hubConfigurationComesFromTheTree() {
        var config = ChorusConfig()
        config.batch.maxDelayMs = 20
        config.rooms.idleSeconds = 5
        config.rooms.historySeconds = 7
        config.storage.idempotencyWindowSeconds = 9
        config.stats.seriesMinutes = 11
        let hub = Hub.Configuration(config, shardCount: 3)
        #expect(hub.batch == ServerFrames.BatchSettings(maxMessages: 256, maxDelayMs: 20, leadingEdge: true))
        #expect(hub.shardCount == 3 && hub.staticRooms == ["lobby"] && !hub.autoCreateRooms)
        #expect(hub.roomIdleNanoseconds == 5_000_000_000 && hub.historyNanoseconds == 7_000_000_000)
        #expect(hub.historyMessages == 4096)
        #expect(hub.idempotencyWindowMs == 9000 && hub.idempotencyCapacity == 200_000)
        #expect(hub.seriesMinutes == 11)
        #expect(hub.durableCounting && hub.sequenceBlock == Hub.Configuration.storedSequenceBlock)
        config.storage.engine = .memory
        let memory = Hub.Configuration(config, shardCount: 1)
        #expect(!memory.durableCounting && memory.sequenceBlock == 0)
    }
}
