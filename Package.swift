// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "chorus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chorusd", targets: ["chorusd"]),
        .executable(name: "chorus-bench", targets: ["chorus-bench"]),
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

        // The only C in the project: CLD2 (C++), lws macros and logging, HMAC, malloc tuning.
        .target(
            name: "CChorusShim",
            linkerSettings: [
                .linkedLibrary("cld2"),
                .linkedLibrary("websockets"),
                .linkedLibrary("crypto"),
                .linkedLibrary("ev"),
                .linkedLibrary("icui18n"),
                .linkedLibrary("icuuc"),
            ]
        ),
        .systemLibrary(name: "CLibWebSockets", pkgConfig: "libwebsockets"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3"),

        // Durable counts: SQLite behind ChorusCore's `CounterStore`.
        .target(name: "ChorusStorage", dependencies: ["ChorusCore", "CSQLite"]),

        // Notices in the viewer's language: ICU plural rules behind ChorusCore's `PluralRules`,
        // locale files read from `Locales/`.
        .target(name: "ChorusLocalization", dependencies: ["ChorusCore", "CChorusShim"]),

        // Language tagging engines behind ChorusCore's `LanguageTagger`.
        .target(name: "ChorusLanguage", dependencies: ["ChorusCore", "CChorusShim"]),

        // libwebsockets transport: the only module that imports libwebsockets.
        .target(
            name: "ChorusTransport",
            dependencies: [
                "ChorusCore", "CChorusShim", "CLibWebSockets",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Wiring: HTTP routes, metrics exposition, console secret, systemd notification.
        .target(
            name: "ChorusServer",
            dependencies: [
                "ChorusCore", "ChorusTransport", "ChorusLanguage", "ChorusStorage", "ChorusLocalization", "CChorusShim",
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
        .executableTarget(
            name: "chorus-bench",
            dependencies: [
                "ChorusCore", "ChorusLanguage",
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
        .testTarget(name: "ChorusLocalizationTests", dependencies: ["ChorusLocalization", "ChorusCore"]),
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
