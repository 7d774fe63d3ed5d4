// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "chorus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chorusd", targets: ["chorusd"]),
        .executable(name: "chorus-bench", targets: ["chorus-bench"]),
        .executable(name: "chorus-echo", targets: ["chorus-echo"]),
        // For the libFuzzer package in Fuzz/, which depends on this one by path.
        .library(name: "ChorusCore", targets: ["ChorusCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
    ],
    targets: [
        // Pure Swift: rooms, sequence numbers, batching, outbound queues, counters, codec.
        // No C import and no I/O; every state machine returns actions.
        .target(name: "ChorusCore"),
        // A pthread mutex around a value, which ThreadSanitizer sees (Synchronization.Mutex's
        // futex calls it does not): for every module whose threads share state.
        .target(name: "ChorusSync"),

        // The only C in the project: one tiny shim per C library, each linking only its own
        // library, so a module that imports one shim links nothing else. Every symbol is
        // prefixed `chorus_`.
        // libwebsockets and libev together: the service threads hand a libev loop to lws (and
        // name themselves through prctl).
        .target(name: "CChorusLWS", linkerSettings: [.linkedLibrary("websockets"), .linkedLibrary("ev")]),
        // CLD2's C++ API behind C functions, and the mallopt tuning CLD2 needs.
        .target(name: "CChorusCLD2", linkerSettings: [.linkedLibrary("cld2")]),
        // ICU's plural rules and likely subtags (its C names are versioned macros).
        .target(name: "CChorusICU", linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc")]),
        // OpenSSL's libcrypto: HMAC for console tokens, random bytes, SHA-1 for the bench's handshake.
        .target(name: "CChorusCrypto", linkerSettings: [.linkedLibrary("crypto")]),
        // OpenSSL's libssl: checking the certificate and key before lws loads them, and the
        // protocol options for its server context; chorus-bench's TLS client (chorus_tls_client.c).
        .target(name: "CChorusTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        // The language model embedded through `.incbin`, and the tagger's per-thread scratch
        // memory; libc only, kept apart so only binaries that tag carry the model's bytes.
        .target(name: "CChorusLangid"),
        .systemLibrary(name: "CLibWebSockets", pkgConfig: "libwebsockets"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3"),
        // hiredis: the Redis client (RESP, replies, pipelining) of the cluster module.
        .systemLibrary(name: "CHiredis"),

        // Durable counts: SQLite behind ChorusCore's `CounterStore`.
        .target(name: "ChorusStorage", dependencies: ["ChorusCore", "CSQLite"]),

        // Many nodes through Redis: hiredis connections, the room scripts that number, store
        // and publish batches in one step, behind ChorusCore's protocols.
        .target(name: "ChorusCluster", dependencies: ["ChorusCore", "ChorusSync", "CHiredis", "CChorusCrypto"]),

        // Notices in the viewer's language: ICU plural rules behind ChorusCore's `PluralRules`,
        // locale files read from `Locales/`.
        .target(name: "ChorusLocalization", dependencies: ["ChorusCore", "CChorusICU"]),

        // Language tagging engines behind ChorusCore's `LanguageTagger`: the embedded model,
        // CLD2, and ICU's likely subtags for region priors.
        .target(name: "ChorusLanguage", dependencies: ["ChorusCore", "CChorusLangid", "CChorusCLD2", "CChorusICU"]),

        // libwebsockets transport: the only module that imports libwebsockets. HMAC for console
        // tokens comes from the crypto shim.
        .target(
            name: "ChorusTransport",
            dependencies: [
                "ChorusCore", "ChorusSync", "CChorusLWS", "CChorusCrypto", "CChorusTLS", "CLibWebSockets",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Wiring: HTTP routes, metrics exposition, console secret, systemd notification.
        .target(
            name: "ChorusServer",
            dependencies: [
                "ChorusCore", "ChorusSync", "ChorusTransport", "ChorusLanguage", "ChorusStorage", "ChorusLocalization",
                "ChorusCluster",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        .executableTarget(
            name: "chorusd",
            dependencies: [
                "ChorusServer", "ChorusCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // RFC 6455 conformance profile only (scripts/autobahn.sh): an echo endpoint on the
        // relay's frame checks. Never deployed.
        .executableTarget(
            name: "chorus-echo", dependencies: ["ChorusCore", "ChorusTransport", "CChorusLWS", "CLibWebSockets"]),
        .executableTarget(
            name: "chorus-bench",
            dependencies: [
                // The crypto shim's SHA-1 checks the server's handshake answer; the TLS shim's
                // client side speaks wss:// (`--tls`).
                "ChorusCore", "ChorusLanguage", "CChorusCrypto", "CChorusTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        .testTarget(name: "ChorusCoreTests", dependencies: ["ChorusCore"]),
        .testTarget(name: "ChorusLanguageTests", dependencies: ["ChorusLanguage", "ChorusCore"]),
        .testTarget(
            name: "ChorusServerTests",
            dependencies: [
                "ChorusServer", "ChorusCore", "ChorusTransport", "ChorusStorage",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ChorusStorageTests", dependencies: ["ChorusStorage", "ChorusCore"]),
        .testTarget(name: "ChorusClusterTests", dependencies: ["ChorusCluster", "ChorusCore", "ChorusSync"]),
        .testTarget(name: "ChorusLocalizationTests", dependencies: ["ChorusLocalization", "ChorusCore"]),
        .testTarget(name: "ChorusBenchTests", dependencies: ["chorus-bench"]),
    ],
    cxxLanguageStandard: .cxx17
)

for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            // Lets the transport specialise the core's generic Shard and OutboundQueue for its
            // frame type; without it every queue operation went through runtime generics.
            .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
        ]
}
