import ChorusCore

extension JSONValue {
    /// The value written back as JSON, for parse → serialize → parse round trips. Non-finite
    /// numbers (a huge literal like `1e999`) have no JSON form and return nil.
    public var serialized: [UInt8]? {
        var writer = JSONWriter()
        guard write(into: &writer) else { return nil }
        return writer.bytes
    }

    private func write(into writer: inout JSONWriter) -> Bool {
        switch self {
        case .null: writer.raw("null")
        case .bool(let value): writer.bool(value)
        case .number(let value):
            guard value.isFinite else { return false }
            for byte in "\(value)".utf8 { writer.raw(byte) }
        case .string(let value): writer.string(value)
        case .array(let items):
            writer.raw(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { writer.raw(UInt8(ascii: ",")) }
                guard item.write(into: &writer) else { return false }
            }
            writer.raw(UInt8(ascii: "]"))
        case .object(let object):
            writer.raw(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { writer.raw(UInt8(ascii: ",")) }
                writer.string(member.name)
                writer.raw(UInt8(ascii: ":"))
                guard member.value.write(into: &writer) else { return false }
            }
            writer.raw(UInt8(ascii: "}"))
        }
        return true
    }
}
