public import ChorusCore

/// One commit's idempotency keys as a single blob, so storing them costs one row per commit
/// instead of an indexed row per key: per record `[u16 room length][room][u16 key length][key]
/// [i64 seq][i64 expiry ms]`, little-endian.
public enum IdempotencyKeyBlob {
    public static func encode(_ records: [IdempotencyWindow.Record]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * 40)
        for record in records {
            appendText(record.room, to: &bytes)
            appendText(record.key, to: &bytes)
            appendInteger(Int64(clamping: record.seq), to: &bytes)
            appendInteger(record.expiresAtMs, to: &bytes)
        }
        return bytes
    }

    /// Nil if the bytes are not a whole number of records (a damaged row).
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> [IdempotencyWindow.Record]? {
        var records: [IdempotencyWindow.Record] = []
        var offset = 0
        while offset < bytes.count {
            guard let room = text(bytes, &offset), let key = text(bytes, &offset),
                let seq = integer(bytes, &offset), let expires = integer(bytes, &offset)
            else { return nil }
            records.append(.init(room: room, key: key, seq: UInt64(max(0, seq)), expiresAtMs: expires))
        }
        return records
    }

    private static func appendText(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8.prefix(Int(UInt16.max))
        let count = UInt16(utf8.count)
        bytes.append(UInt8(count & 0xff))
        bytes.append(UInt8(count >> 8))
        bytes.append(contentsOf: utf8)
    }

    private static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    private static func text(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> String? {
        guard offset + 2 <= bytes.count else { return nil }
        let count = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        offset += 2
        guard offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    private static func integer(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> Int64? {
        guard offset + 8 <= bytes.count else { return nil }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
        offset += 8
        return Int64(bitPattern: bits)
    }
}
