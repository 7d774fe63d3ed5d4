/// The rooms one member is in, with the last sequence number it already has in each.
///
/// A viewer is in exactly one room, so the first room is stored inline; only consoles that
/// watch several rooms pay for a dictionary. With 20,000 idle viewers per thread a
/// dictionary each cost about 150 bytes of heap per connection.
struct MemberRooms {
    private var firstRoom: String?
    private var firstSeq: UInt64 = 0
    private var others: [String: UInt64]?

    /// The first room joined and still held, if any.
    var first: String? { firstRoom ?? others?.keys.first }

    subscript(room: String) -> UInt64? {
        if firstRoom == room { return firstSeq }
        return others?[room]
    }

    mutating func set(_ room: String, after seq: UInt64) {
        if firstRoom == nil || firstRoom == room {
            firstRoom = room
            firstSeq = seq
        } else {
            others = others ?? [:]
            others![room] = seq
        }
    }

    /// Removes `room`; returns whether the member was in it.
    mutating func remove(_ room: String) -> Bool {
        if firstRoom == room {
            if let next = others?.first {
                firstRoom = next.key
                firstSeq = next.value
                others!.removeValue(forKey: next.key)
                if others!.isEmpty { others = nil }
            } else {
                firstRoom = nil
            }
            return true
        }
        guard others?.removeValue(forKey: room) != nil else { return false }
        if others!.isEmpty { others = nil }
        return true
    }

    var names: [String] {
        (firstRoom.map { [$0] } ?? []) + (others.map { Array($0.keys) } ?? [])
    }
}
