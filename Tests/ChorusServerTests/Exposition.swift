/// A parsed Prometheus text exposition, as much of it as the tests check: `# TYPE` and
/// `# HELP` lines and samples with their labels.
struct Exposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var types: [String: String] = [:]
    var helps: [String: String] = [:]
    var samples: [Sample] = []
    /// Families with more than one `# TYPE` line (the format allows one).
    var repeatedTypes: [String] = []

    init(_ text: String) {
        for line in text.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ", maxSplits: 3).map(String.init)
            if line.hasPrefix("# TYPE "), words.count == 4 {
                if types[words[2]] != nil { repeatedTypes.append(words[2]) }
                types[words[2]] = words[3]
            } else if line.hasPrefix("# HELP "), words.count >= 3 {
                helps[words[2]] = words.count == 4 ? words[3] : ""
            } else if !line.hasPrefix("#"), let sample = Self.sample(line) {
                samples.append(sample)
            }
        }
    }

    /// `name{a="x",b="y"} value`; label values here never hold quotes or commas.
    static func sample(_ line: String) -> Sample? {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            return nil
        }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return Sample(name: String(series), labels: [:], value: value)
        }
        var labels: [String: String] = [:]
        for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }

    func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` series are
    /// named after it.
    func family(of sample: Sample) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
            let base = String(sample.name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return sample.name
    }
}
