extension ChorusConfig {
    /// Every settable key, as written in config files (`batch.maxMessages`).
    public static let keys: [String] = [
        "listen.host", "listen.port", "stateDir", "logLevel",
        "transport.serviceThreads", "transport.eventLoop", "transport.pingIntervalSeconds", "transport.directWrites",
        "transport.ingestReceiveBufferBytes",
        "transport.writeTimeoutSeconds", "transport.ingressHighWatermark",
        "batch.maxMessages", "batch.maxDelayMs", "batch.leadingEdge",
        "limits.maxMessageBytes", "limits.maxChatChars", "limits.viewerQueueBytes", "limits.consoleQueueBytes",
        "limits.viewerCommerceBytes",
        "limits.maxErrorsPerConnection", "limits.maxConnections", "limits.maxConnectionsPerIP",
        "limits.chatPerWindow", "limits.chatWindowSeconds", "limits.likesPerSecond", "limits.likeBurst",
        "limits.commercePerSecond", "limits.commerceBurst", "limits.giftsPerSecond", "limits.giftBurst",
        "limits.throttledBeforeClose", "limits.throttleWindowSeconds",
        "rooms.static", "rooms.autoCreate", "rooms.idleSeconds", "rooms.historyMessages",
        "rooms.historySeconds",
        "language.engine", "language.candidates",
        "console.secret",
        "storage.engine", "storage.commitIntervalMs", "storage.quietCommitIntervalMs", "storage.syncEveryCommit",
        "storage.idempotencyWindowSeconds",
        "storage.idempotencyKeys", "stats.seriesMinutes", "stats.consoleIntervalMs", "locales.directory",
    ]

    /// Applies a config file's object: nested objects name sections, unknown keys are errors
    /// so that a typo never silently leaves a default in place.
    public mutating func apply(_ document: JSONValue, prefix: String = "") throws(ConfigError) {
        guard case .object(let members) = document else {
            throw ConfigError(key: prefix.isEmpty ? "(file)" : prefix, reason: "must be an object")
        }
        for (name, value) in members.uniqueSortedMembers {
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            if case .object = value, !Self.keys.contains(key) {
                try apply(value, prefix: key)
            } else {
                try set(key, value)
            }
        }
    }

    /// Sets one key from a JSON value.
    public mutating func set(_ key: String, _ value: JSONValue) throws(ConfigError) {
        func int() throws(ConfigError) -> Int {
            guard let number = value.integerValue else { throw ConfigError(key: key, reason: "must be an integer") }
            return Int(number)
        }
        func bool() throws(ConfigError) -> Bool {
            guard case .bool(let flag) = value else { throw ConfigError(key: key, reason: "must be true or false") }
            return flag
        }
        func string() throws(ConfigError) -> String {
            guard let text = value.stringValue else { throw ConfigError(key: key, reason: "must be a string") }
            return text
        }
        func strings() throws(ConfigError) -> [String] {
            guard case .array(let items) = value else { throw ConfigError(key: key, reason: "must be an array") }
            var texts: [String] = []
            for item in items {
                guard let text = item.stringValue else { throw ConfigError(key: key, reason: "must hold strings") }
                texts.append(text)
            }
            return texts
        }
        switch key {
        case "listen.host": listen.host = try string()
        case "listen.port": listen.port = try int()
        case "stateDir": stateDir = try string()
        case "logLevel": logLevel = try string()
        case "transport.serviceThreads": transport.serviceThreads = try int()
        case "transport.eventLoop":
            guard let loop = EventLoop(rawValue: try string()) else {
                throw ConfigError(key: key, reason: "must be libev or poll")
            }
            transport.eventLoop = loop
        case "transport.writeTimeoutSeconds": transport.writeTimeoutSeconds = try int()
        case "transport.ingressHighWatermark": transport.ingressHighWatermark = try int()
        case "transport.pingIntervalSeconds": transport.pingIntervalSeconds = try int()
        case "transport.directWrites": transport.directWrites = try bool()
        case "transport.ingestReceiveBufferBytes": transport.ingestReceiveBufferBytes = try int()
        case "batch.maxMessages": batch.maxMessages = try int()
        case "batch.maxDelayMs": batch.maxDelayMs = try int()
        case "batch.leadingEdge": batch.leadingEdge = try bool()
        case "limits.maxMessageBytes": limits.maxMessageBytes = try int()
        case "limits.maxChatChars": limits.maxChatChars = try int()
        case "limits.viewerQueueBytes": limits.viewerQueueBytes = try int()
        case "limits.viewerCommerceBytes": limits.viewerCommerceBytes = try int()
        case "limits.consoleQueueBytes": limits.consoleQueueBytes = try int()
        case "limits.maxErrorsPerConnection": limits.maxErrorsPerConnection = try int()
        case "limits.maxConnections": limits.maxConnections = try int()
        case "limits.maxConnectionsPerIP": limits.maxConnectionsPerIP = try int()
        case "limits.chatPerWindow": limits.chatPerWindow = try int()
        case "limits.chatWindowSeconds": limits.chatWindowSeconds = try int()
        case "limits.likesPerSecond": limits.likesPerSecond = try int()
        case "limits.likeBurst": limits.likeBurst = try int()
        case "limits.commercePerSecond": limits.commercePerSecond = try int()
        case "limits.commerceBurst": limits.commerceBurst = try int()
        case "limits.giftsPerSecond": limits.giftsPerSecond = try int()
        case "limits.giftBurst": limits.giftBurst = try int()
        case "limits.throttledBeforeClose": limits.throttledBeforeClose = try int()
        case "limits.throttleWindowSeconds": limits.throttleWindowSeconds = try int()
        case "rooms.static": rooms.staticRooms = try strings()
        case "rooms.autoCreate": rooms.autoCreate = try bool()
        case "rooms.idleSeconds": rooms.idleSeconds = try int()
        case "rooms.historyMessages": rooms.historyMessages = try int()
        case "rooms.historySeconds": rooms.historySeconds = try int()
        case "language.engine":
            guard let engine = Language.Engine(rawValue: try string()) else {
                throw ConfigError(key: key, reason: "must be model or cld2")
            }
            language.engine = engine
        case "language.candidates": language.candidates = try strings()
        case "console.secret": console.secret = value == .null ? nil : try string()
        case "storage.engine":
            let name = try string()
            guard let engine = Storage.Engine(rawValue: name) else {
                throw ConfigError(key: key, reason: "must be sqlite or memory")
            }
            storage.engine = engine
        case "storage.commitIntervalMs": storage.commitIntervalMs = try int()
        case "storage.quietCommitIntervalMs": storage.quietCommitIntervalMs = try int()
        case "storage.syncEveryCommit": storage.syncEveryCommit = try bool()
        case "storage.idempotencyWindowSeconds": storage.idempotencyWindowSeconds = try int()
        case "storage.idempotencyKeys": storage.idempotencyKeys = try int()
        case "stats.seriesMinutes": stats.seriesMinutes = try int()
        case "stats.consoleIntervalMs": stats.consoleIntervalMs = try int()
        case "locales.directory": locales.directory = try string()
        default: throw ConfigError(key: key, reason: "is not a known setting")
        }
    }

    /// Sets one key from text (environment or `--set key=value`): numbers, booleans and
    /// comma-separated lists are recognised by the key's type.
    public mutating func set(_ key: String, text: String) throws(ConfigError) {
        switch key {
        case "rooms.static", "language.candidates":
            let names = text.split(separator: ",").map { JSONValue.string(String($0)) }
            try set(key, .array(names))
        case "rooms.autoCreate", "transport.directWrites", "storage.syncEveryCommit", "batch.leadingEdge":
            guard let flag = ["true": true, "1": true, "yes": true, "false": false, "0": false, "no": false][text]
            else { throw ConfigError(key: key, reason: "must be true or false") }
            try set(key, .bool(flag))
        default:
            if let number = Int(text),
                !["listen.host", "stateDir", "console.secret", "locales.directory"].contains(key)
            {
                try set(key, .number(Double(number)))
            } else {
                try set(key, .string(text))
            }
        }
    }
}
