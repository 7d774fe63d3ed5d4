/// A language or region subtag, lowercased and packed into one word, so that hints can be
/// matched against the model's languages on every message without allocating. (ChorusCore's
/// `LanguageCode` only checks a code's shape.)
struct PackedSubtag: Hashable {
    private let packed: UInt64

    /// Matches no language.
    static let none = PackedSubtag(packed: 0)

    private init(packed: UInt64) {
        self.packed = packed
    }

    /// Nil unless `utf8` is 1 to 8 ASCII letters.
    init?<Bytes: Collection<UInt8>>(utf8: Bytes) {
        guard (1...8).contains(utf8.count) else { return nil }
        var packed: UInt64 = 0
        var shift: UInt64 = 0
        for byte in utf8 {
            let lower = byte | 0x20
            guard lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return nil }
            packed |= UInt64(lower) << shift
            shift += 8
        }
        self.packed = packed
    }

    init?(_ string: String) {
        // The bytes, not `String.UTF8View`'s indices: walking those cost several times more for
        // these two- and three-letter codes, read on every chat message.
        guard let packed = string.withUTF8Bytes({ PackedSubtag(utf8: $0) }) else { return nil }
        self = packed
    }

    /// The current code for a withdrawn ISO 639-1 code some platforms still send (`iw` → `he`).
    var canonical: PackedSubtag {
        for (withdrawn, current) in Self.renamed where self == withdrawn { return current }
        return self
    }

    /// Two-letter subtags (regions) number 0..<`regionCount`; others have no index.
    static let regionCount = 26 * 26

    var regionIndex: Int? {
        guard packed >> 16 == 0, packed > 0xFF else { return nil }
        let first = Int(packed & 0xFF) - Int(UInt8(ascii: "a"))
        let second = Int(packed >> 8) - Int(UInt8(ascii: "a"))
        return first * 26 + second
    }

    /// The subtag as text (`pt`).
    var string: String {
        withUnsafeBytes(of: packed.littleEndian) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static let renamed = [("iw", "he"), ("in", "id"), ("ji", "yi"), ("jw", "jv")].map {
        (PackedSubtag($0.0) ?? .none, PackedSubtag($0.1) ?? .none)
    }
}
