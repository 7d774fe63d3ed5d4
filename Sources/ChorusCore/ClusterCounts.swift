/// A cluster room's counts as Redis keeps them: one hash field per cell,
/// `minute|kind|language|region` → count, incremented by the room script with each batch.
public struct ClusterCounts: Sendable, Equatable {
    public var counters = InteractionCounters()
    /// Per-minute totals by kind, oldest first.
    public var minutes: [MinuteCount] = []

    public init() {}

    /// The hash field of one cell.
    public static func field(minute: Int64, kind: InteractionKind, language: String, region: String) -> String {
        "\(minute)|\(kind.rawValue)|\(language)|\(region)"
    }

    /// Reads the hash; fields that are not cells (another version's) are left out.
    public init(fields: [String: UInt64]) {
        var byMinute: [Int64: MinuteCount] = [:]
        for (field, count) in fields {
            let parts = field.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, let minute = Int64(parts[0]), let kind = InteractionKind(rawValue: String(parts[1]))
            else { continue }
            counters.add(kind: kind, language: String(parts[2]), region: String(parts[3]), count: count)
            byMinute[minute, default: MinuteCount(minute: minute)].byKind[kind.index] += count
        }
        minutes = byMinute.values.sorted { $0.minute < $1.minute }
    }
}
