/// A parsed JSON value. Chorus parses small client frames (≤ a few KiB), so a plain tree is
/// cheaper than Codable and lets the codec report exactly which field is wrong.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an integer, if it is a number with no fractional part.
    public var integerValue: Int64? {
        guard case .number(let value) = self, value.rounded() == value,
            abs(value) < 9_007_199_254_740_992
        else { return nil }
        return Int64(value)
    }
}
