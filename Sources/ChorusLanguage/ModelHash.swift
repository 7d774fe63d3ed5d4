/// The hashes of keys in a `CostTable`: FNV-1a over code points (one step per point), then
/// MurmurHash3's finalizer. Words are hashed first point first; n-grams newest point first, so
/// that one pass yields every order ending at a point. scripts/langid/langid_text.py computes
/// the same values.
enum ModelHash {
    static let wordSeed: UInt64 = 0x57
    static let ngramSeed: UInt64 = 0x4E

    @inline(__always)
    static func start(_ seed: UInt64) -> UInt64 { 0xCBF2_9CE4_8422_2325 ^ seed }

    @inline(__always)
    static func step(_ hash: UInt64, _ point: UInt32) -> UInt64 { (hash ^ UInt64(point)) &* 0x100_0000_01B3 }

    @inline(__always)
    static func finish(_ hash: UInt64) -> UInt64 {
        var value = hash
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value
    }
}
