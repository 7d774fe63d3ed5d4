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

    /// Adds `count` interactions at once (restoring stored counts).
    public mutating func add(kind: InteractionKind, language: String, region: String, count: UInt64) {
        total += count
        byKind[kind.index] += count
        byLanguage[language, default: 0] += count
        byRegion[region, default: 0] += count
    }

    /// Adds every count of `other`.
    public mutating func add(_ other: InteractionCounters) {
        total += other.total
        for index in byKind.indices { byKind[index] += other.byKind[index] }
        for (language, count) in other.byLanguage { byLanguage[language, default: 0] += count }
        for (region, count) in other.byRegion { byRegion[region, default: 0] += count }
    }

    public func count(of kind: InteractionKind) -> UInt64 {
        byKind[kind.index]
    }

    /// `"interactions":{"total":…,"byType":{…},"byLanguage":{…},"byRegion":{…}}`, keys sorted.
    public func writeJSON(_ key: StaticString, into json: inout JSONWriter) {
        json.beginObject(key)
        json.field("total", total)
        json.beginObject("byType")
        for kind in InteractionKind.allCases { json.field(named: kind.rawValue, count(of: kind)) }
        json.endObject()
        json.beginObject("byLanguage")
        for language in byLanguage.keys.sorted() { json.field(named: language, byLanguage[language] ?? 0) }
        json.endObject()
        json.beginObject("byRegion")
        for region in byRegion.keys.sorted() { json.field(named: region, byRegion[region] ?? 0) }
        json.endObject()
        json.endObject()
    }
}
