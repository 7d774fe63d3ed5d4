import ChorusCore

/// The language and region a viewer's hints name, packed: the one place that reads a BCP 47
/// locale for the taggers (both engines), once per chat message and without allocating.
struct LocaleSubtags {
    /// The locale's language (`zh-Hans-CN` → `zh`), withdrawn codes replaced (`iw` → `he`);
    /// nil for `und` and other codes naming no language.
    var language: PackedSubtag?
    /// The explicit region, or else the locale's (`pt-BR` still says where the viewer is);
    /// nil when neither names one (`ZZ` is unknown).
    var region: PackedSubtag?

    init(_ hints: LanguageHints) {
        var locale = hints.locale.withUTF8Bytes(Self.subtags)
        if let code = locale.language, Self.noLanguage.contains(code) { locale.language = nil }
        language = locale.language?.canonical
        region = Self.knownRegion(hints.region) ?? locale.region.flatMap { $0 == Self.unknownRegion ? nil : $0 }
    }

    /// The language subtag and the first two-letter subtag after it, as written.
    private static func subtags(_ utf8: UnsafeBufferPointer<UInt8>) -> (language: PackedSubtag?, region: PackedSubtag?)
    {
        var found: (language: PackedSubtag?, region: PackedSubtag?) = (nil, nil)
        var start = 0
        var position = 0
        for index in 0...utf8.count where index == utf8.count || utf8[index] == 0x2D || utf8[index] == 0x5F {
            let subtag = utf8[start..<index]
            if position == 0, (2...3).contains(subtag.count) {
                found.language = PackedSubtag(utf8: subtag)
            } else if position > 0, found.region == nil, subtag.count == 2 {
                found.region = PackedSubtag(utf8: subtag)
            }
            position += 1
            start = index + 1
        }
        return found
    }

    private static func knownRegion(_ code: String) -> PackedSubtag? {
        guard code.utf8.count == 2, let region = PackedSubtag(code), region != unknownRegion else { return nil }
        return region
    }

    private static let unknownRegion = PackedSubtag("zz") ?? .none
    /// Special ISO 639 codes that name no particular language.
    private static let noLanguage = ["und", "mul", "zxx", "mis", "qaa"].compactMap { PackedSubtag($0) }
}
