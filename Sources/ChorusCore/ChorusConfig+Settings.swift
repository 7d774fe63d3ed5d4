extension ChorusConfig {
    /// Every setting, in README's order: the one table parsing (`apply`, `set`), environment
    /// names, validation and README's configuration table come from. Keys and environment
    /// names are public API: users' files name them, so a key is never renamed.
    public static let settings: [ChorusSetting] = nodeSettings + clusterSettings

    /// Everything but `cluster.*` (`ChorusConfig+Cluster.swift`).
    static let nodeSettings: [ChorusSetting] = [
        .string(
            "listen.host", .atRestartOnly, \.listen.host, .notEmpty,
            """
            address to listen on (IPv4, IPv6 or a host name); only that address is bound (`::` means every \
            address of both families)
            """),
        .integer(
            "listen.port", .atRestartOnly, \.listen.port, .within(0...65535),
            "port; `0` picks a free one (logged in the `listening` line)"),
        .string(
            "tls.certificateFile", .atRestartOnly, \.tls.certificateFile,
            .setTogether(with: "tls.privateKeyFile", { $0.tls.privateKeyFile }),
            """
            PEM certificate, its chain after it; with `tls.privateKeyFile` the port serves `wss://` and \
            `https://` only (empty: plain `ws://` and `http://`)
            """),
        .string(
            "tls.privateKeyFile", .atRestartOnly, \.tls.privateKeyFile,
            .setTogether(with: "tls.certificateFile", { $0.tls.certificateFile }),
            "PEM private key of `tls.certificateFile`"),
        .choice(
            "tls.minimumVersion", .atRestartOnly, \.tls.minimumVersion, [.tls12, .tls13],
            "oldest TLS version accepted, `1.2` or `1.3` (ciphers: docs/security.md)"),
        .string(
            "stateDir", .atRestartOnly, \.stateDir, .notEmpty,
            "state directory (console secret, `counters.sqlite3`)"),
        .string(
            "logLevel", .atRunTime, \.logLevel, .oneOf(logLevels),
            "the least severe level logged"),
        .integer(
            "transport.serviceThreads", .atRestartOnly, \.transport.serviceThreads, .within(0...64),
            "service threads, one lws context each, sharing the port; `0` = one per online CPU"),
        .choice(
            "transport.eventLoop", .atRestartOnly, \.transport.eventLoop, [.libev, .poll],
            "`libev` (epoll) or `poll` (lws's own loop; slows down with many idle connections)"),
        .boolean(
            "transport.directWrites", .atRunTime, \.transport.directWrites,
            """
            write a frame at once when the socket has room (one `poll()`), instead of waiting for lws's writable \
            callback
            """),
        .integer(
            "transport.pingIntervalSeconds", .atRestartOnly, \.transport.pingIntervalSeconds, .within(1...3600),
            """
            every connection is pinged once per interval (a slice of them on every tick, O(1) each); one whose \
            ping is still unanswered at its next turn is dropped (`pong_overdue`)
            """),
        .integer(
            "transport.writeTimeoutSeconds", .atRunTime, \.transport.writeTimeoutSeconds, .within(1...3600),
            "a connection with frames queued and nothing written for this long is dropped"),
        .integer(
            "transport.ingestReceiveBufferBytes", .atRestartOnly, \.transport.ingestReceiveBufferBytes,
            .within(256...65_536),
            """
            read size and per-connection receive buffer of connections that negotiate the `chorus.ingest` \
            subprotocol (heavy senders); others get 64 bytes
            """),
        .integer(
            "transport.ingressHighWatermark", .atRunTime, \.transport.ingressHighWatermark, .atLeast(0),
            """
            batches waiting for delivery past which connections that send are no longer read until half are \
            delivered (0 = off)
            """),
        .integer(
            "batch.maxMessages", .atRunTime, \.batch.maxMessages, .within(1...4096),
            "flush a room's batch at this many messages"),
        .integer(
            "batch.maxDelayMs", .atRunTime, \.batch.maxDelayMs, .within(1...10_000),
            """
            … or when its window ends: this long after its oldest message, or with `leadingEdge` after the batch \
            before it (a timer fires at each batch's deadline)
            """),
        .boolean(
            "batch.leadingEdge", .atRunTime, \.batch.leadingEdge,
            """
            a message reaching a room that sent no batch for a whole `maxDelayMs` leaves at once; what follows \
            waits until that window ends (busy rooms still send one batch per window)
            """),
        .integer(
            "limits.maxMessageBytes", .atRunTime, \.limits.maxMessageBytes,
            .within(64...MessageSizeRule.largestFrameBytes),
            "largest client frame; larger ones get `too_large`"),
        .integer(
            "limits.maxChatChars", .atRunTime, \.limits.maxChatChars, .within(1...10_000),
            "longest chat text, in characters (grapheme clusters)"),
        .integer(
            "limits.maxChatBytes", .atRunTime, \.limits.maxChatBytes, .within(16...1_048_576),
            "longest chat text in UTF-8 bytes; longer ones get `invalid_field`"),
        .integer(
            "limits.maxMarksPerCharacter", .atRunTime, \.limits.maxMarksPerCharacter, .within(1...255),
            "most combining marks on one character of a chat text; a flood gets `invalid_field`"),
        .integer(
            "limits.viewerQueueBytes", .atRunTime, \.limits.viewerQueueBytes, .within(4096...maxQueueBytes),
            """
            outbound bytes a viewer may have queued before its chat is shed and its oldest chat batches are \
            dropped (and reported as `missed`)
            """),
        .integer(
            "limits.viewerCommerceBytes", .atRunTime, \.limits.viewerCommerceBytes, .within(0...maxQueueBytes),
            """
            bytes of gifts and shopping actions (never dropped) a viewer may have queued past \
            `viewerQueueBytes`; past that it is closed with 4001
            """),
        .integer(
            "limits.consoleQueueBytes", .atRunTime, \.limits.consoleQueueBytes, .within(4096...maxQueueBytes),
            "outbound bytes a console may have queued before it is closed with 4001"),
        .integer(
            "limits.maxErrorsPerConnection", .atRunTime, \.limits.maxErrorsPerConnection, .atLeast(1),
            "invalid frames a connection may send; the next one closes it with 4009"),
        .integer(
            "limits.maxConnections", .atRunTime, \.limits.maxConnections, .within(1...1_000_000),
            "WebSocket connections per process; more are closed with 1013"),
        .integer(
            "limits.maxConnectionsPerIP", .atRunTime, \.limits.maxConnectionsPerIP, .within(0...1_000_000),
            """
            Open sockets per client IP address, WebSocket or not yet upgraded (high: a carrier's NAT puts \
            many phones behind one); an upgrade past it is closed with 4029; `0` = no limit
            """),
        .integer(
            "limits.handshakeTimeoutSeconds", .atRestartOnly, \.limits.handshakeTimeoutSeconds, .within(1...300),
            """
            seconds a connection has to send a complete HTTP request (a WebSocket upgrade or a plain \
            request) before it is closed, whatever the method; counted from the accept
            """),
        .integer(
            "limits.maxRequestHeadBytes", .atRestartOnly, \.limits.maxRequestHeadBytes, .within(4096...65535),
            """
            bytes of an HTTP request's line and headers the library holds, allocated for each connection \
            whose request is being read and freed once it is; a longer head is closed by libwebsockets \
            without an answer. Below it, a query argument over 4096 bytes gets 431
            """),
        .integer(
            "limits.libraryLogLinesPerSecond", .atRestartOnly, \.limits.libraryLogLinesPerSecond,
            .within(1...10_000),
            """
            libwebsockets error and warning lines written per second; more are dropped and summarised \
            in one line (`N library log lines suppressed`) so a client cannot flood the log
            """),
        .integer(
            "limits.chatPerWindow", .atRunTime, \.limits.chatPerWindow, .within(0...100_000),
            """
            chat messages one connection may send per `limits.chatWindowSeconds` (all at once, then one per \
            window / count); more get `rate_limited`; `0` = no limit
            """),
        .integer(
            "limits.chatWindowSeconds", .atRunTime, \.limits.chatWindowSeconds, .within(1...3600),
            "… the window for that"),
        .integer(
            "limits.likesPerSecond", .atRunTime, \.limits.likesPerSecond, .within(0...100_000),
            """
            like frames per second per connection (a frame's `count` aggregates taps: one frame, one token); `0` \
            = no limit
            """),
        .integer(
            "limits.likeBurst", .atRunTime, \.limits.likeBurst, .within(1...1_000_000),
            "like frames allowed at once"),
        .integer(
            "limits.commercePerSecond", .atRunTime, \.limits.commercePerSecond, .within(0...100_000),
            "cart, purchase and coupon frames together, per second per connection; `0` = no limit"),
        .integer(
            "limits.commerceBurst", .atRunTime, \.limits.commerceBurst, .within(1...1_000_000),
            "… allowed at once"),
        .integer(
            "limits.giftsPerSecond", .atRunTime, \.limits.giftsPerSecond, .within(0...100_000),
            "gift frames per second per connection; `0` = no limit"),
        .integer(
            "limits.giftBurst", .atRunTime, \.limits.giftBurst, .within(1...1_000_000),
            "… allowed at once"),
        .integer(
            "limits.throttledBeforeClose", .atRunTime, \.limits.throttledBeforeClose, .within(1...1_000_000),
            """
            throttled interactions (`rate_limited`, `slow_mode`) a connection may send within \
            `limits.throttleWindowSeconds`; the next one closes it with 4008
            """),
        .integer(
            "limits.throttleWindowSeconds", .atRunTime, \.limits.throttleWindowSeconds, .within(1...3600),
            "… the window for that"),
        .strings(
            "rooms.static", .atRestartOnly, \.rooms.staticRooms, .roomNames,
            "rooms that always exist"),
        .boolean(
            "rooms.autoCreate", .atRunTime, \.rooms.autoCreate,
            "let viewers open any valid room name"),
        .integer(
            "rooms.idleSeconds", .atRunTime, \.rooms.idleSeconds, .atLeast(1),
            "how long an empty room lives on"),
        .integer(
            "rooms.historyMessages", .atRestartOnly, \.rooms.historyMessages, .within(0...1_000_000),
            """
            messages each room keeps for clients resuming with `since` (≈ 0.65 KB each with its share of the \
            encoded batch, measured in the ingest bench; 0 = off)
            """),
        .integer(
            "rooms.historySeconds", .atRestartOnly, \.rooms.historySeconds, .within(1...86_400),
            "oldest history kept, in seconds"),
        .choice(
            "language.engine", .atRestartOnly, \.language.engine, [.model, .cld2],
            "chat language tagger: `model` (Chorus's word and n-gram model, docs/language-tagging.md) or `cld2`"),
        .strings(
            "language.candidates", .atRestartOnly, \.language.candidates, .languageCodes,
            "languages a chat message may be tagged with (ISO 639-1, comma-separated in env/flags)"),
        .secret(
            "console.secret", .atRunTime, \.console.secret, .atLeastBytes(16),
            """
            HMAC secret for console tokens (≥ 16 bytes); without it one is generated into \
            `<stateDir>/console.secret`
            """),
        .choice(
            "storage.engine", .atRestartOnly, \.storage.engine, [.sqlite, .memory],
            """
            `sqlite`: counts in `<stateDir>/counters.sqlite3` (WAL), acks after the commit, and each room's \
            sequence numbers go on across restarts; `memory`: counts lost and room numbers back at 1 on restart
            """),
        .integer(
            "storage.commitIntervalMs", .atRestartOnly, \.storage.commitIntervalMs, .within(1...1000),
            "group commit interval: one transaction per interval, however many interactions"),
        .integer(
            "storage.quietCommitIntervalMs", .atRestartOnly, \.storage.quietCommitIntervalMs,
            .within(from: "storage.commitIntervalMs", { $0.storage.commitIntervalMs }, to: 10_000),
            """
            longest wait for counts no ack or idempotency key waits on (interactions sent without `ack`); stored \
            in fewer, larger commits. A crash loses at most this much of them; acknowledged interactions are \
            never lost
            """),
        .boolean(
            "storage.syncEveryCommit", .atRestartOnly, \.storage.syncEveryCommit,
            "fsync every commit (survives power loss; without it commits survive the daemon being killed)"),
        .integer(
            "storage.idempotencyWindowSeconds", .atRestartOnly, \.storage.idempotencyWindowSeconds, .within(1...86_400),
            """
            how long an interaction's `idempotencyKey` is remembered: a retry with the same key in the same room \
            is acked with the first `seq` and not counted (keys are stored with their counts, so this holds \
            across restarts and `kill -9`)
            """),
        .integer(
            "storage.idempotencyKeys", .atRestartOnly, \.storage.idempotencyKeys, .within(1...100_000_000),
            """
            at most this many keys remembered (≈ 100 bytes each in memory; whole commits of keys are forgotten \
            oldest first past it, shortening the window under extreme load)
            """),
        .integer(
            "shutdown.drainPerWave", .atRunTime, \.shutdown.drainPerWave, .within(1...1_000_000),
            """
            on SIGTERM, connections told `server_restarting` and closed with 1001 per wave, across the node \
            (so clients do not all reconnect in the same second)
            """),
        .integer(
            "shutdown.drainWaveIntervalMs", .atRunTime, \.shutdown.drainWaveIntervalMs, .within(0...10_000),
            "time between drain waves"),
        .integer(
            "stats.seriesMinutes", .atRestartOnly, \.stats.seriesMinutes, .within(1...1440),
            """
            minutes of per-minute counts kept for the stats API (per room and for the node; restored from the \
            database at start-up)
            """),
        .integer(
            "stats.consoleIntervalMs", .atRunTime, \.stats.consoleIntervalMs, .zeroOr(100...60_000),
            "how often each console gets a `stats` frame per room (`0`: never)"),
        .string(
            "locales.directory", .atRunTime, \.locales.directory, .any,
            """
            the locale files (`<tag>.json`, re-read on SIGHUP); empty: `Locales` in the working directory, then \
            `../share/chorus/Locales` beside the executable's directory, the checkout above `.build/`, \
            `/usr/share/chorus/Locales`
            """),
    ]

    /// Every settable key, as written in config files (`batch.maxMessages`).
    public static let keys: [String] = settings.map(\.key)

    static let settingsByKey: [String: ChorusSetting] = Dictionary(
        uniqueKeysWithValues: settings.map { ($0.key, $0) })

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

extension ChorusSetting.Rule where Value == [String] {
    static var roomNames: Self {
        Self(accepts: "room names") { rooms, _ in
            rooms.first { !RoomName.isValid($0) }.map { "'\($0)' is not a valid room name" }
        }
    }

    static var languageCodes: Self {
        Self(accepts: "ISO 639-1 codes, lowercase, each once, at least one") { codes, _ in
            if codes.isEmpty { return "must name at least one language" }
            let invalid = codes.first { code in
                !(code.utf8.count == 2 && LanguageCode.isValid(code) && code == code.lowercased())
            }
            if let invalid { return "'\(invalid)' is not a lowercase ISO 639-1 code" }
            return Set(codes).count == codes.count ? nil : "names a language twice"
        }
    }
}
