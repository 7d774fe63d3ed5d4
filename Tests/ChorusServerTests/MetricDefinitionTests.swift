import Testing

@testable import ChorusServer

/// Prometheus naming conventions (https://prometheus.io/docs/practices/naming/), checked on
/// every metric so a new one cannot slip in with milliseconds or without `_total`.
@Suite struct MetricDefinitionTests {
    @Test func namesAreUniqueAndValid() {
        let names = MetricDefinition.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.hasPrefix("chorus_"), "\(name)")
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
        }
    }

    @Test func countersEndInTotalAndNothingElseDoes() {
        for definition in MetricDefinition.all {
            #expect(definition.name.hasSuffix("_total") == (definition.kind == .counter), "\(definition.name)")
        }
    }

    @Test func unitsAreBaseUnitsAndSuffixes() {
        for definition in MetricDefinition.all {
            let stem = definition.kind == .counter ? String(definition.name.dropLast("_total".count)) : definition.name
            for unit in ["seconds", "bytes"] {
                #expect(
                    stem.hasSuffix("_" + unit) == (definition.unit.rawValue == unit),
                    "\(definition.name) vs unit \(definition.unit)")
            }
            for other in ["_ms", "_milliseconds", "_microseconds", "_us", "_kb", "_mb", "_kilobytes", "_megabytes"] {
                #expect(
                    !definition.name.contains(other + "_") && !definition.name.hasSuffix(other), "\(definition.name)")
            }
        }
    }

    @Test func histogramsHaveAscendingBucketsAndOthersNone() {
        for definition in MetricDefinition.all {
            if definition.kind == .histogram {
                #expect(!definition.buckets.isEmpty, "\(definition.name)")
                #expect(
                    zip(definition.buckets, definition.buckets.dropFirst()).allSatisfy { $0 < $1 }, "\(definition.name)"
                )
            } else {
                #expect(definition.buckets.isEmpty, "\(definition.name)")
            }
        }
    }

    @Test func labelsAndHelpFitTheExpositionAndTheTable() {
        for definition in MetricDefinition.all {
            #expect(!definition.labels.contains("le"), "\(definition.name)")
            #expect(Set(definition.labels).count == definition.labels.count, "\(definition.name)")
            #expect(!definition.help.isEmpty, "\(definition.name)")
            // A backslash or newline would need escaping in `# HELP`; a pipe would split the
            // README's table cell.
            #expect(!definition.help.contains { "\\\n|".contains($0) }, "\(definition.name)")
        }
    }
}
