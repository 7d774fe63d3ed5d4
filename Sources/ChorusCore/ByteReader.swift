/// Reads `ClusterBatchCodec`'s fields from untrusted bytes: every read checks what is left.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(ClusterBatchError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(ClusterBatchError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64, shift < 63 || next <= 1 else { throw .outOfRange }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A varint that must fit an `Int` (counts, amounts, quantities).
    mutating func int() throws(ClusterBatchError) -> Int {
        let value = try varint()
        guard value <= UInt64(Int.max) else { throw .outOfRange }
        return Int(value)
    }

    mutating func uint64LittleEndian() throws(ClusterBatchError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw .truncated }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    mutating func string() throws(ClusterBatchError) -> String {
        let length = try varint()
        guard length <= UInt64(bytes.count - offset) else { throw .truncated }
        let end = offset + Int(length)
        defer { offset = end }
        guard let string = String(validating: bytes[offset..<end], as: UTF8.self) else { throw .invalidUTF8 }
        return string
    }
}
