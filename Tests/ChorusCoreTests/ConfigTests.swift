import Testing

@testable import ChorusCore

@Suite struct ConfigTests {
    @Test func defaultsAreValid() throws {
        try ChorusConfig().validate()
        #expect(ChorusConfig().listen.host == "127.0.0.1")
    }

    @Test func appliesAFileAndTextOverrides() throws {
        var config = ChorusConfig()
        let file = try JSONParser.parse(
            Array(
                #"{"listen":{"port":9000},"batch":{"maxMessages":10},"rooms":{"static":["a","b"],"autoCreate":true}}"#
                    .utf8))
        try config.apply(file)
        try config.set("batch.maxDelayMs", text: "20")
        try config.set("transport.eventLoop", text: "poll")
        #expect(config.listen.port == 9000)
        #expect(config.batch.maxMessages == 10)
        #expect(config.batch.maxDelayMs == 20)
        #expect(config.rooms.staticRooms == ["a", "b"])
        #expect(config.rooms.autoCreate)
        #expect(config.transport.eventLoop == .poll)
    }

    @Test func leadingEdgeIsOnByDefaultAndCanBeTurnedOff() throws {
        var config = ChorusConfig()
        #expect(config.batch.leadingEdge)
        try config.set("batch.leadingEdge", text: "false")
        #expect(!config.batch.leadingEdge)
        #expect(throws: ConfigError.self) { try config.set("batch.leadingEdge", text: "sometimes") }
    }

    /// Outbound queues keep their sizes in 32 bits: a budget past `maxQueueBytes` is refused.
    @Test func tlsNeedsBothFilesAndAKnownMinimumVersion() throws {
        var config = ChorusConfig()
        #expect(!config.tls.isEnabled)
        #expect(config.tls.minimumVersion == .tls12)
        try config.set("tls.certificateFile", text: "/etc/chorus/cert.pem")
        #expect(throws: ConfigError(key: "tls.certificateFile", reason: "must be set together with tls.privateKeyFile"))
        {
            try config.validate()
        }
        try config.set("tls.privateKeyFile", text: "/etc/chorus/key.pem")
        try config.validate()
        #expect(config.tls.isEnabled)
        try config.set("tls.minimumVersion", text: "1.3")
        #expect(config.tls.minimumVersion == .tls13)
        #expect(throws: ConfigError.self) { try config.set("tls.minimumVersion", text: "1.1") }
        try config.apply(environment: ["CHORUS_TLS_MINIMUM_VERSION": "1.2"])
        #expect(config.tls.minimumVersion == .tls12)
    }

    @Test func queueBudgetsHaveAnUpperBound() throws {
        var config = ChorusConfig()
        config.limits.viewerQueueBytes = ChorusConfig.maxQueueBytes
        config.limits.viewerCommerceBytes = ChorusConfig.maxQueueBytes
        try config.validate()
        config.limits.viewerQueueBytes = ChorusConfig.maxQueueBytes + 1
        #expect(throws: ConfigError.self) { try config.validate() }
        config = ChorusConfig()
        config.limits.consoleQueueBytes = ChorusConfig.maxQueueBytes + 1
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func rejectsUnknownKeysWrongTypesAndBadValues() throws {
        var config = ChorusConfig()
        #expect(throws: ConfigError(key: "batch.maxMesages", reason: "is not a known setting")) {
            try config.apply(try JSONParser.parse(Array(#"{"batch":{"maxMesages":1}}"#.utf8)))
        }
        #expect(throws: ConfigError.self) { try config.set("listen.port", .string("x")) }
        config.batch.maxMessages = 0
        #expect(throws: ConfigError.self) { try config.validate() }
        config = ChorusConfig()
        config.rooms.staticRooms = ["no spaces"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config = ChorusConfig()
        config.console.secret = "short"
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func languageEngineAndCandidates() throws {
        var config = ChorusConfig()
        #expect(config.language.engine == .model)
        #expect(config.language.candidates.count == 20)
        try config.set("language.candidates", text: "en,es,pt")
        try config.set("language.engine", text: "cld2")
        try config.validate()
        #expect(config.language.candidates == ["en", "es", "pt"])
        #expect(config.language.engine == .cld2)
        #expect(throws: ConfigError.self) { try config.set("language.engine", text: "lingua") }
        for bad in ["", "en,EN", "en,en", "eng", "en,e1"] {
            var candidate = ChorusConfig()
            try candidate.set("language.candidates", text: bad)
            #expect(throws: ConfigError.self, "\(bad)") { try candidate.validate() }
        }
    }

    @Test func viewerLanguageParameter() {
        let author = Author(user: "u", locale: "pt-BR", region: "BR")
        #expect(ViewerLanguages.parse(nil, author: author) == [])
        #expect(ViewerLanguages.parse("all", author: author) == [])
        #expect(ViewerLanguages.parse("mine", author: author) == ["pt", "und"])
        #expect(ViewerLanguages.parse("mine", author: Author(user: "u", locale: "und", region: "ZZ")) == [])
        #expect(ViewerLanguages.parse("ES,pt,es", author: author) == ["es", "pt"])
        #expect(ViewerLanguages.parse("es,,pt", author: author) == nil)
        #expect(ViewerLanguages.parse("spanish", author: author) == nil)
    }

    @Test func rateLimitSettingsAreSettableAndChecked() throws {
        var config = ChorusConfig()
        #expect(config.limits.chatPerWindow == 20 && config.limits.chatWindowSeconds == 30)
        #expect(config.limits.maxConnectionsPerIP == 500)
        try config.set("limits.chatPerWindow", text: "0")
        try config.set("limits.maxConnectionsPerIP", text: "3")
        try config.set("limits.throttledBeforeClose", text: "7")
        try config.validate()
        #expect(config.interactionPolicy.chat.isUnlimited)
        #expect(config.interactionPolicy.throttledBeforeClose == 7)
        #expect(config.limits.maxConnectionsPerIP == 3)
        for key in ChorusConfig.keys where key.hasPrefix("limits.") && key != "limits.maxConnectionsPerIP" {
            var broken = ChorusConfig()
            try broken.set(key, text: "-1")
            #expect(throws: ConfigError.self, "\(key) = -1") { try broken.validate() }
        }
        config.limits.chatWindowSeconds = 0
        #expect(throws: ConfigError(key: "limits.chatWindowSeconds", reason: "must be in 1...3600")) {
            try config.validate()
        }
    }

    @Test func ingestReceiveBufferIsSettableAndBounded() throws {
        var config = ChorusConfig()
        #expect(config.transport.ingestReceiveBufferBytes == 4096)
        try config.set("transport.ingestReceiveBufferBytes", text: "16384")
        try config.validate()
        #expect(config.transport.ingestReceiveBufferBytes == 16384)
        for bad in ["128", "100000"] {
            try config.set("transport.ingestReceiveBufferBytes", text: bad)
            #expect(
                throws: ConfigError(key: "transport.ingestReceiveBufferBytes", reason: "must be in 256...65536"),
                "\(bad)"
            ) { try config.validate() }
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

    @Test func environmentVariablesNameTheirKeys() throws {
        var config = ChorusConfig()
        try config.apply(environment: [
            "CHORUS_LIMITS_MAX_CONNECTIONS_PER_IP": "3", "CHORUS_BATCH_MAX_DELAY_MS": "20",
            "CHORUS_ROOMS_STATIC": "a,b", "CHORUS_STORAGE_SYNC_EVERY_COMMIT": "yes", "CHORUS_LISTEN": "ignored:1",
            "CHORUS_NOT_A_SETTING": "x", "PATH": "/bin",
        ])
        #expect(config.limits.maxConnectionsPerIP == 3 && config.batch.maxDelayMs == 20)
        #expect(config.rooms.staticRooms == ["a", "b"] && config.storage.syncEveryCommit)
        #expect(config.listen == ChorusConfig.Listen())
        #expect(throws: ConfigError(key: "listen.port", reason: "must be an integer")) {
            try config.apply(environment: ["CHORUS_LISTEN_PORT": "eighty"])
        }
    }
}
