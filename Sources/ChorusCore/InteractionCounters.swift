/// Exact interaction counts by type, language and region. 64-bit: at a million interactions
/// a second they wrap after 584,000 years.
public struct InteractionCounters: Sendable, Equatable {
    public private(set) var total: UInt64 = 0
    /// Indexed by `InteractionKind.index`.
    public private(set) var byKind: [UInt64] = Array(repeating: 0, count: InteractionKind.allCases.count)
    public private(set) var byLanguage: [String: UInt64] = [:]
    public private(set) var byRegion: [String: UInt64] = [:]

    public init() {}

    public mutating func record(kind: InteractionKind, language: String, region: String) {
        total += 1
        byKind[kind.index] += 1
        byLanguage[language, default: 0] += 1
        byRegion[region, default: 0] += 1
    }

    public func count(of kind: InteractionKind) -> UInt64 {
        byKind[kind.index]
    }

    /// `{"total":…,"byType":{…},"byLanguage":{…},"byRegion":{…}}` with keys sorted.
    public func writeJSON(into json: inout JSONWriter) {
        json.raw("{")
        json.key("total")
        json.integer(total)
        json.raw(",\"byType\":{")
        for (position, kind) in InteractionKind.allCases.enumerated() {
            if position > 0 { json.raw(",") }
            json.string(kind.rawValue)
            json.raw(":")
            json.integer(count(of: kind))
        }
        json.raw("},\"byLanguage\":")
        Self.writeMap(byLanguage, into: &json)
        json.raw(",\"byRegion\":")
        Self.writeMap(byRegion, into: &json)
        json.raw("}")
    }

    private static func writeMap(_ map: [String: UInt64], into json: inout JSONWriter) {
        json.raw("{")
        for (position, key) in map.keys.sorted().enumerated() {
            if position > 0 { json.raw(",") }
            json.string(key)
            json.raw(":")
            json.integer(map[key] ?? 0)
        }
        json.raw("}")
    }
}
