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
        self.init(utf8: string.utf8)
    }

    /// The current code for a withdrawn ISO 639-1 code some platforms still send (`iw` → `he`).
    var canonical: PackedSubtag {
        switch self {
        case Self.withdrawnHebrew: Self.hebrew
        case Self.withdrawnIndonesian: Self.indonesian
        default: self
        }
    }

    private static let withdrawnHebrew = PackedSubtag("iw") ?? .none
    private static let hebrew = PackedSubtag("he") ?? .none
    private static let withdrawnIndonesian = PackedSubtag("in") ?? .none
    private static let indonesian = PackedSubtag("id") ?? .none
}
