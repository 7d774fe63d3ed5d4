import Prometheus

extension MetricDefinition {
    /// The README's metrics table, one row per metric: the README holds it between
    /// `<!-- metrics-table:begin -->` and `<!-- metrics-table:end -->`, and a unit test fails
    /// when it differs from this (`CHORUS_UPDATE_README=1 swift test --filter MetricsReadme`
    /// rewrites it).
    public static func markdownTable(_ definitions: [MetricDefinition] = all) -> String {
        var rows = ["| metric | type | unit | labels | meaning |", "|---|---|---|---|---|"]
        for definition in definitions {
            let cells = [
                "`\(definition.name)`", definition.kind.rawValue, definition.unit.rawValue, definition.labelsCell,
                definition.help,
            ]
            rows.append("| " + cells.joined(separator: " | ") + " |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// Label names; a histogram's `le` with its bounds as served (the library's rendering).
    private var labelsCell: String {
        var names = labels.map { "`\($0)`" }
        if kind == .histogram {
            names.append("`le` (" + (buckets.map(\.bucketRepresentation) + ["+Inf"]).joined(separator: ", ") + ")")
        }
        return names.joined(separator: ", ")
    }
}
