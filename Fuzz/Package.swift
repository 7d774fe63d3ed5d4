// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for ChorusCore's parsers, kept out of the main package so that its build
// and tests never need the fuzzer runtime. Build with `scripts/fuzz.sh` (or by hand:
// `swift build --package-path Fuzz --sanitize=fuzzer --sanitize=address
// -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp`).
let package = Package(
    name: "chorus-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "chorus", path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "ChorusCore", package: "chorus")]
        ),
        .executableTarget(name: "FuzzFrameDecoder", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzHandshake", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzConsoleToken", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzSupport"]),
    ]
)
