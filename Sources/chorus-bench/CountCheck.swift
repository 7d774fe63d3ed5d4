/// The end-of-run check of `count`: how much each room's counters grew during the run against
/// what the bench had acknowledged there.
///
/// An ack promises the interaction was counted, so every counter (total, each type, each region)
/// must have grown by at least the acknowledged number. The daemon cannot count what was never
/// sent, so the growth may exceed that by at most the interactions sent but never acknowledged,
/// which may or may not have been counted. When everything was acknowledged the two bounds meet
/// and the growth must equal the acknowledged number exactly.
struct CountCheck: Codable {
    /// One counter of one room, keyed like `RoomStatsClient.RoomStats.counters`.
    struct Cell: Codable {
        var room: String
        var counter: String
        var before: Int
        var after: Int
        /// after − before
        var counted: Int
        var acked: Int
        var unacked: Int

        var isConsistent: Bool { counted >= acked && counted <= acked + unacked }
    }

    /// One room's counters before and after, and what the bench expects them to have grown by.
    struct Room {
        var name: String
        var before: [String: Int]
        var after: [String: Int]
        var acked: [String: Int]
        var unacked: [String: Int]
    }

    /// No mismatch and no room left unchecked.
    var exact: Bool
    var rooms: Int
    var cellsChecked: Int
    var mismatches: [Cell]
    /// Counters with interactions sent but never acknowledged (reported apart: not errors).
    var unacknowledged: [Cell]
    /// Rooms whose counters could not be read after the run.
    var errors: [String]

    init(rooms: [Room], errors: [String]) {
        var cells: [Cell] = []
        for room in rooms {
            let keys = Set(room.before.keys).union(room.after.keys).union(room.acked.keys)
                .union(room.unacked.keys)
            for key in keys.sorted() {
                let before = room.before[key] ?? 0
                let after = room.after[key] ?? 0
                cells.append(
                    Cell(
                        room: room.name, counter: key, before: before, after: after, counted: after - before,
                        acked: room.acked[key] ?? 0, unacked: room.unacked[key] ?? 0))
            }
        }
        mismatches = cells.filter { !$0.isConsistent }
        unacknowledged = cells.filter { $0.unacked > 0 }
        self.rooms = rooms.count
        cellsChecked = cells.count
        self.errors = errors
        exact = mismatches.isEmpty && errors.isEmpty
    }

    static let totalKey = "total"

    static func typeKey(_ name: String) -> String { "type:" + name }

    static func regionKey(_ code: String) -> String { "region:" + code }

    /// Adds `count` interactions of `type` from `region` to a counter set.
    static func add(_ count: Int, type: String, region: String, to counters: inout [String: Int]) {
        counters[totalKey, default: 0] += count
        counters[typeKey(type), default: 0] += count
        counters[regionKey(region), default: 0] += count
    }
}
