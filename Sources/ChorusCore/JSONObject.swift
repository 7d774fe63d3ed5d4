/// A JSON object's members in document order.
///
/// Client frames have a handful of members, so a linear scan beats hashing each name into a
/// dictionary (the dictionary was the largest cost of decoding a chat frame). Duplicate names
/// are kept; lookups return the last one, as most JSON parsers do.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(name: String, value: JSONValue)] = []

    public init() {}

    /// Room for `capacity` members up front: growing 1 → 2 → 4 cost three allocations for a
    /// typical client frame.
    public init(minimumCapacity capacity: Int) {
        members.reserveCapacity(capacity)
    }

    public init(_ members: [(name: String, value: JSONValue)]) {
        self.members = members
    }

    public var isEmpty: Bool { members.isEmpty }

    public subscript(name: String) -> JSONValue? {
        var index = members.endIndex
        while index > members.startIndex {
            index -= 1
            if members[index].name == name { return members[index].value }
        }
        return nil
    }

    public mutating func append(_ name: String, _ value: JSONValue) {
        members.append((name, value))
    }

    /// Each name once, with its last value, sorted by name.
    public var uniqueSortedMembers: [(name: String, value: JSONValue)] {
        var seen: Set<String> = []
        var unique: [(name: String, value: JSONValue)] = []
        for member in members.reversed() where seen.insert(member.name).inserted {
            unique.append(member)
        }
        return unique.sorted { $0.name < $1.name }
    }

    /// Equal when they have the same names with the same (last) values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let left = lhs.uniqueSortedMembers
        let right = rhs.uniqueSortedMembers
        return left.count == right.count && zip(left, right).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
