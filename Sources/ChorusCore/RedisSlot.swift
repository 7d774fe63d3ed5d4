/// Redis Cluster's key slot: CRC16 (XMODEM) of the key, or of its hash tag — the part between
/// the first `{` and the next `}` when that part is not empty — modulo 16,384.
public enum RedisSlot {
    public static let count = 16_384

    public static func of(_ key: String) -> Int {
        of(Array(key.utf8))
    }

    public static func of(_ key: [UInt8]) -> Int {
        var hashed = key[...]
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
        {
            hashed = key[(open + 1)..<close]
        }
        return Int(crc16(hashed) % UInt16(count))
    }

    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
            }
        }
        return crc
    }
}
