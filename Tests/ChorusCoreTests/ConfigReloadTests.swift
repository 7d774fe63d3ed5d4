import Testing

@testable import ChorusCore

/// SIGHUP's decision: which new values are taken, which keep the old one, and what is logged.
@Suite struct ConfigReloadTests {
    @Test func nothingChangedIsSaidSo() throws {
        let reload = try ConfigReload(from: ChorusConfig(), to: ChorusConfig())
        #expect(reload.changed.isEmpty && reload.refused.isEmpty)
        #expect(reload.applied == ChorusConfig())
        #expect(reload.summary() == "no settings changed")
        #expect(reload.refusals.isEmpty)
    }

    @Test func runTimeSettingsAreTakenAndRestartOnlyOnesKept() throws {
        let old = ChorusConfig()
        var new = old
        new.limits.maxChatChars = 20
        new.limits.chatPerWindow = 3
        new.batch.maxDelayMs = 10
        new.logLevel = "debug"
        new.listen.port = 9090
        new.transport.serviceThreads = 4
        new.storage.engine = .memory
        let reload = try ConfigReload(from: old, to: new)

        #expect(
            reload.changed.map(\.key) == [
                "logLevel", "batch.maxDelayMs", "limits.maxChatChars", "limits.chatPerWindow",
            ])
        #expect(reload.refused.map(\.key) == ["listen.port", "transport.serviceThreads", "storage.engine"])
        var expected = old
        expected.limits.maxChatChars = 20
        expected.limits.chatPerWindow = 3
        expected.batch.maxDelayMs = 10
        expected.logLevel = "debug"
        #expect(reload.applied == expected)
        #expect(
            reload.summary()
                == "reloaded: logLevel info→debug, batch.maxDelayMs 50→10, limits.maxChatChars 500→20, "
                + "limits.chatPerWindow 20→3")
        #expect(
            reload.refusals == [
                "refused at reload: listen.port needs a restart (kept 8080, not 9090)",
                "refused at reload: transport.serviceThreads needs a restart (kept 0, not 4)",
                "refused at reload: storage.engine needs a restart (kept sqlite, not memory)",
            ])
    }

    @Test func aSecretIsNeverShown() throws {
        var old = ChorusConfig()
        old.console.secret = "old-secret-0123456789"
        var new = old
        new.console.secret = "new-secret-0123456789"
        let reload = try ConfigReload(from: old, to: new)
        #expect(reload.applied.console.secret == "new-secret-0123456789")
        #expect(reload.summary() == "reloaded: console.secret changed")
        #expect(!reload.changed.map(\.old).joined().contains("secret-0123"))
    }

    @Test func whatChangedOutsideTheTableJoinsTheSummary() throws {
        let reload = try ConfigReload(from: ChorusConfig(), to: ChorusConfig())
        #expect(reload.summary(alsoChanged: ["console secret file"]) == "reloaded: console secret file")
    }

    /// Every setting says when it applies, and the ones the transport cannot change under open
    /// sockets, threads or stores are the restart-only ones.
    @Test func theTableSaysWhichSettingsReload() {
        let restartOnly = Set(ChorusConfig.settings.filter { $0.reload == .atRestartOnly }.map(\.key))
        for key in [
            "listen.host", "listen.port", "transport.serviceThreads", "transport.eventLoop", "storage.engine",
            "stateDir", "tls.certificateFile", "language.engine",
        ] {
            #expect(restartOnly.contains(key), "\(key) should need a restart")
        }
        for key in [
            "logLevel", "limits.maxChatChars", "limits.chatPerWindow", "batch.maxMessages", "console.secret",
            "stats.consoleIntervalMs",
        ] {
            #expect(!restartOnly.contains(key), "\(key) should reload")
        }
        #expect(ChorusConfig.settingsMarkdown.contains("| `listen.port` | `8080` | 0...65535 | restart |"))
    }

    /// Each entry compares and copies its own field: changing one key alone is one change.
    @Test func everyEntryComparesAndCopiesItsOwnField() throws {
        let defaults = ChorusConfig()
        let candidates = ["7", "false", "true", "poll", "cld2", "memory", "1.3", "de,fr", "some-text-long-enough"]
        for setting in ChorusConfig.settings {
            var changed: ChorusConfig?
            for text in candidates {
                var config = defaults
                if (try? config.set(setting.key, text: text)) != nil, config != defaults,
                    (try? config.validate()) != nil
                {
                    changed = config
                    break
                }
            }
            guard let changed else { continue }  // needs a partner key to be valid (TLS files)
            let reload = try ConfigReload(from: defaults, to: changed)
            #expect((reload.changed + reload.refused).map(\.key) == [setting.key])
            #expect(reload.applied == (setting.reload == .atRunTime ? changed : defaults), "\(setting.key)")
        }
    }

    @Test func hubTakesOnlyWhatCanChangeWithRoomsOpen() {
        var config = ChorusConfig()
        var hub = Hub(configuration: Hub.Configuration(config, shardCount: 2), now: 0)
        config.batch.maxMessages = 7
        config.rooms.autoCreate = true
        config.rooms.idleSeconds = 3
        config.rooms.historyMessages = 5
        config.stats.seriesMinutes = 9
        hub.reconfigure(Hub.Configuration(config, shardCount: 4))
        #expect(hub.configuration.batch.maxMessages == 7)
        #expect(hub.configuration.autoCreateRooms && hub.configuration.roomIdleNanoseconds == 3_000_000_000)
        #expect(hub.configuration.shardCount == 2 && hub.configuration.historyMessages == 4096)
        #expect(hub.configuration.seriesMinutes == 60)
    }

    @Test func hubFlushesAtTheNewBatchSizeAfterAReload() {
        var config = ChorusConfig()
        config.batch.leadingEdge = false
        config.storage.engine = .memory  // no sequence reservation holding the batch back
        var hub = Hub(configuration: Hub.Configuration(config, shardCount: 1), now: 0)
        _ = hub.join(room: "lobby", role: .viewer, shard: 0, mayOpen: false, now: 0)
        config.batch.maxMessages = 2
        hub.reconfigure(Hub.Configuration(config, shardCount: 1))
        let author = Author(user: "ana", locale: "pt-BR", region: "BR")
        let actions = (0..<2).compactMap { index in
            hub.ingest(
                room: "lobby", payload: .chat(text: "m\(index)"), author: author, clientID: nil, tag: nil, wallMs: 1,
                now: 1
            ).action
        }
        #expect(actions.count == 1)
    }
}
