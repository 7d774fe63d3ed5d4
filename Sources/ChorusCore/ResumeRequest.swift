/// Reads the `since` argument of a connection URL: where a reconnecting client's stream left
/// off, per room.
///
/// `since=120` when the connection names one room; `since=showA:120,showB:77` for a console
/// of several rooms (rooms not listed join live). Sequence numbers count from 0 (`since=0`:
/// everything the room still holds).
public enum ResumeRequest {
    /// Room → last sequence number seen; empty without `since`, nil when `since` is malformed
    /// (empty, signed, not decimal digits) or names a room not among `rooms`.
    public static func parse(_ argument: String?, rooms: [String]) -> [String: UInt64]? {
        guard let argument else { return [:] }
        if let seq = sequenceNumber(argument[...]) {
            guard rooms.count == 1 else { return nil }
            return [rooms[0]: seq]
        }
        var result: [String: UInt64] = [:]
        for entry in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let colon = entry.lastIndex(of: ":"), let seq = sequenceNumber(entry[entry.index(after: colon)...])
            else {
                return nil
            }
            let room = String(entry[..<colon])
            guard rooms.contains(room), result[room] == nil else { return nil }
            result[room] = seq
        }
        return result
    }

    /// Only ASCII digits: Swift's `UInt64("+5")` would accept a sign, and an empty `since=`
    /// is a client bug, not "join live".
    static func sequenceNumber(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(text)
    }
}
