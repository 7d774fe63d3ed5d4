/// Interactions in one minute (Unix epoch minutes), by type.
public struct MinuteCount: Sendable, Equatable {
    public var minute: Int64
    /// Indexed by `InteractionKind.index`.
    public var byKind: [UInt64]

    public init(minute: Int64, byKind: [UInt64] = Array(repeating: 0, count: InteractionKind.allCases.count)) {
        self.minute = minute
        self.byKind = byKind
    }

    public var total: UInt64 { byKind.reduce(0, +) }
}

/// The last `capacity` minutes of a room's (or the node's) interactions, for the stats API
/// and consoles' stats frames. A view for charts: the exact, durable counts are the counters
/// and the store; an interaction stamped with a minute older than the series (the wall clock
/// stepped back by more than the series holds) is left out of it.
public struct MinuteSeries: Sendable, Equatable {
    public let capacity: Int
    /// Oldest first, strictly increasing minutes; minutes with nothing are absent.
    public private(set) var minutes: [MinuteCount] = []

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public mutating func record(_ kind: InteractionKind, minute: Int64, count: UInt64 = 1) {
        if let last = minutes.last, last.minute == minute {
            minutes[minutes.count - 1].byKind[kind.index] += count
            return
        }
        if minutes.last.map({ minute > $0.minute }) ?? true {
            var entry = MinuteCount(minute: minute)
            entry.byKind[kind.index] = count
            minutes.append(entry)
            if minutes.count > capacity { minutes.removeFirst(minutes.count - capacity) }
            return
        }
        // Out of order (restore, or a clock step): find its place.
        let position = minutes.firstIndex { $0.minute >= minute } ?? minutes.count
        if position < minutes.count, minutes[position].minute == minute {
            minutes[position].byKind[kind.index] += count
        } else if minutes.count < capacity {
            var entry = MinuteCount(minute: minute)
            entry.byKind[kind.index] = count
            minutes.insert(entry, at: position)
        }
    }

    /// Adds stored minutes (start-up, or a room opening again).
    public mutating func add(_ stored: [MinuteCount]) {
        for entry in stored {
            for kind in InteractionKind.allCases where entry.byKind[kind.index] > 0 {
                record(kind, minute: entry.minute, count: entry.byKind[kind.index])
            }
        }
    }

    /// The newest minute with anything in it.
    public var newestMinute: Int64? { minutes.last?.minute }

    /// `"perMinute":[{"start":<Unix seconds>,"total":…,"byType":{…}},…]`, oldest first, only
    /// minutes at or after `sinceMinute`.
    public func writeJSON(_ key: StaticString, sinceMinute: Int64, into json: inout JSONWriter) {
        json.beginArray(key)
        for entry in minutes where entry.minute >= sinceMinute {
            json.beginObject()
            json.field("start", entry.minute * 60)
            json.field("total", entry.total)
            json.beginObject("byType")
            for kind in InteractionKind.allCases { json.field(named: kind.rawValue, entry.byKind[kind.index]) }
            json.endObject()
            json.endObject()
        }
        json.endArray()
    }
}
