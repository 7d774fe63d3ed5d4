import ChorusCore
import Testing

@testable import ChorusServer

/// `/metrics` as the exporter renders it from a relay's hub and a committer: every family
/// is in the catalog with its type, help and labels, and the commit latency is a well-formed
/// histogram.
@Suite struct MetricsExporterTests {
    /// Families whose series only appear once the transport has seen such an event (the label
    /// values come from what happened).
    static let onlyAfterTransportEvents: Set<String> = [
        "chorus_protocol_errors_total", "chorus_server_closes_total", "chorus_throttled_interactions_total",
    ]

    func render(_ exporter: MetricsExporter, _ fixture: RelayFixture) -> Exposition {
        Exposition(String(decoding: exporter.render(fixture.relay), as: UTF8.self))
    }

    @Test func everyFamilyIsInTheCatalogWithItsTypeHelpAndLabels() throws {
        let fixture = try RelayFixture()
        let exporter = MetricsExporter()
        let committer = fixture.makeCommitter()
        exporter.attach(committer)
        fixture.ingest(2, .chat(text: "olá"))
        committer.commitNow()
        let exposition = render(exporter, fixture)
        let catalog = Dictionary(uniqueKeysWithValues: MetricDefinition.all.map { ($0.name, $0) })

        #expect(exposition.repeatedTypes.isEmpty)
        for (family, type) in exposition.types {
            #expect(catalog[family]?.kind.rawValue == type, "\(family) is served as \(type)")
            #expect(catalog[family]?.help == exposition.helps[family], "\(family)'s HELP")
        }
        let expected = Set(catalog.keys).subtracting(Self.onlyAfterTransportEvents)
        #expect(Set(exposition.types.keys) == expected)
        for sample in exposition.samples {
            let family = exposition.family(of: sample)
            guard let definition = catalog[family] else {
                Issue.record("\(sample.name) is not in the catalog")
                continue
            }
            let labels = definition.labels + (sample.name == family + "_bucket" ? ["le"] : [])
            #expect(Set(sample.labels.keys) == Set(labels), "\(sample.name) \(sample.labels)")
        }
        #expect(!exposition.samples.contains { $0.name.contains("_ms") })
    }

    @Test func buildInfoIsOneWithTheVersion() throws {
        let fixture = try RelayFixture()
        let exposition = render(MetricsExporter(), fixture)
        let info = exposition.samples(named: "chorus_build_info")
        #expect(info.count == 1)
        #expect(info.first?.value == 1)
        #expect(info.first?.labels["version"] == ChorusVersion.string)
        #expect(info.first?.labels["swift_version"]?.isEmpty == false)
    }

    @Test func commitLatencyIsAHistogramInSecondsThatCountsEveryCommit() throws {
        let fixture = try RelayFixture()
        let exporter = MetricsExporter()
        let committer = fixture.makeCommitter()
        exporter.attach(committer)
        for round in 1...3 {
            fixture.ingest(round, .like(count: 1))
            committer.commitNow()
        }
        let exposition = render(exporter, fixture)
        let name = MetricDefinition.commitLatency.name
        #expect(exposition.types[name] == "histogram")
        let buckets = exposition.samples(named: name + "_bucket")
        let bounds = buckets.map { $0.labels["le"] ?? "" }
        #expect(bounds.last == "+Inf")
        #expect(bounds.count == MetricDefinition.commitLatency.buckets.count + 1)
        let numeric = bounds.map { $0 == "+Inf" ? Double.infinity : Double($0) ?? .nan }
        #expect(zip(numeric, numeric.dropFirst()).allSatisfy { $0 < $1 }, "le ascending: \(bounds)")
        let counts = buckets.map(\.value)
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 }, "cumulative: \(counts)")
        #expect(counts.last == 3)
        #expect(exposition.value(name + "_count") == 3)
        #expect((exposition.value(name + "_sum") ?? 0) > 0)
        // A commit of a few rows takes well under a second.
        #expect((exposition.value(name + "_sum") ?? .infinity) < 3)
        #expect(exposition.value("chorus_commits_total") == 3)
        #expect(exposition.value("chorus_committed_interactions_total") == 6)
    }

    @Test func countersFollowTheRelaysTotalsFromScrapeToScrape() throws {
        let fixture = try RelayFixture()
        let exporter = MetricsExporter()
        fixture.ingest(2, .chat(text: "olá"))
        let first = render(exporter, fixture)
        #expect(first.value("chorus_interactions_total", ["type": "chat"]) == 2)
        #expect(first.value("chorus_interactions_by_language_total", ["lang": "pt"]) == 2)
        #expect(first.value("chorus_interactions_by_region_total", ["region": "BR"]) == 2)
        #expect(first.value("chorus_rooms") == 2)
        fixture.ingest(3, .chat(text: "olá"))
        let second = render(exporter, fixture)
        #expect(second.value("chorus_interactions_total", ["type": "chat"]) == 5)
        #expect(second.value("chorus_interactions_total", ["type": "like"]) == 0)
        // Without a committer there is nothing to say about commits.
        #expect(second.types["chorus_commits_total"] == nil)
        #expect(second.types[MetricDefinition.commitLatency.name] == nil)
    }

    @Test func languagesOutsideTheCandidatesAreSummedAsOther() {
        let bounded = MetricsExporter.boundedLanguages(["pt": 2, "und": 1, "xx": 3, "yy": 4], known: ["pt"])
        #expect(bounded == ["pt": 2, "und": 1, "other": 7])
    }
}
