/// Which chat languages a member wants, for all its rooms and per room.
///
/// Most members have no filter at all; the per-room table exists only for consoles that set
/// one, so a viewer's entry stays two empty words.
struct LanguageFilter {
    private var everyRoom: Set<String>?
    private var byRoom: [String: Set<String>]?

    func languages(for room: String) -> Set<String>? {
        byRoom?[room] ?? everyRoom
    }

    mutating func set(_ languages: Set<String>?, room: String?) {
        guard let room else {
            everyRoom = languages
            return
        }
        if let languages {
            byRoom = byRoom ?? [:]
            byRoom![room] = languages
        } else {
            byRoom?[room] = nil
            if byRoom?.isEmpty == true { byRoom = nil }
        }
    }

    /// Forgets a room's own filter when the member leaves it.
    mutating func forget(_ room: String) {
        set(nil, room: room)
    }
}
