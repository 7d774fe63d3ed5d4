import Foundation
import Testing

@testable import ChorusServer

/// README.md's metrics table is the catalog's (`MetricDefinition.markdownTable`): this fails
/// when they differ; `CHORUS_UPDATE_README=1 swift test --filter MetricsReadme` rewrites the
/// table in place instead.
@Suite struct MetricsReadmeTests {
    static let begin = "<!-- metrics-table:begin (generated from MetricDefinition+Catalog.swift) -->\n"
    static let end = "<!-- metrics-table:end -->"

    static var readmePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md").path
    }

    @Test func readmeMetricsTableIsTheCatalog() throws {
        let readme = try String(contentsOfFile: Self.readmePath, encoding: .utf8)
        guard let start = readme.range(of: Self.begin), let stop = readme.range(of: Self.end),
            start.upperBound <= stop.lowerBound
        else {
            Issue.record("README.md has no metrics table markers: \(Self.begin)…\(Self.end)")
            return
        }
        let documented = String(readme[start.upperBound..<stop.lowerBound])
        let generated = MetricDefinition.markdownTable()
        if documented != generated, ProcessInfo.processInfo.environment["CHORUS_UPDATE_README"] == "1" {
            let updated = readme.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: generated)
            try updated.write(toFile: Self.readmePath, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            documented == generated,
            "README.md's metrics table differs from MetricDefinition.all; run CHORUS_UPDATE_README=1 swift test --filter MetricsReadme"
        )
    }
}
