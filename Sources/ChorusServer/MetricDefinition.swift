/// One metric family as `/metrics` serves it and README.md documents it.
///
/// The catalog (`MetricDefinition+Catalog.swift`) is the only place a metric's name, type,
/// help and label names are written: the exporter registers from it and the README table is
/// generated from it (a unit test fails when the two differ), so they cannot drift apart.
public struct MetricDefinition: Sendable, Equatable {
    /// The Prometheus type, as written on the `# TYPE` line.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The base unit the name ends with (before `_total` for counters), per Prometheus naming.
    public enum Unit: String, Sendable {
        case none = ""
        case seconds, bytes
    }

    public let name: String
    public let kind: Kind
    public let unit: Unit
    /// Label names in the order the exporter passes their values (`le` excluded: a histogram
    /// adds it itself).
    public let labels: [String]
    public let help: String
    /// Upper bounds of a histogram's buckets (`+Inf` is added by the library); empty otherwise.
    public let buckets: [Duration]

    init(
        _ name: String, _ kind: Kind, unit: Unit = .none, labels: [String] = [], buckets: [Duration] = [],
        help: String
    ) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.labels = labels
        self.help = help
        self.buckets = buckets
    }
}
