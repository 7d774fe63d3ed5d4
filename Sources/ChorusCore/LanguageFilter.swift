/// Which chat languages a member wants, for all its rooms and per room.
///
/// Most members have no filter at all, so the tables live behind one optional reference: a
/// viewer's entry stays one empty word (bytes per idle connection are a target).
struct LanguageFilter {
    private final class Tables {
        var everyRoom: Set<String>?
        var byRoom: [String: Set<String>] = [:]

        var isEmpty: Bool { everyRoom == nil && byRoom.isEmpty }
    }

    private var tables: Tables?

    func languages(for room: String) -> Set<String>? {
        guard let tables else { return nil }
        return tables.byRoom[room] ?? tables.everyRoom
    }

    mutating func set(_ languages: Set<String>?, room: String?) {
        // Members are changed in place, never copied, so the tables are never shared.
        let tables = self.tables ?? Tables()
        if let room {
            tables.byRoom[room] = languages
        } else {
            tables.everyRoom = languages
        }
        self.tables = tables.isEmpty ? nil : tables
    }

    /// Forgets a room's own filter when the member leaves it.
    mutating func forget(_ room: String) {
        guard tables != nil else { return }
        set(nil, room: room)
    }
}
