import ChorusCore

/// What Chorus knows about the author before reading the text, as a cost bonus per language.
///
/// Each source (declared locale, region, recent tags) grants its language a fixed bonus and
/// the largest applies: sources do not add up. The bonuses are tuned so that they settle close
/// calls but lose to clear text in another language, and the tagger applies them only to
/// languages written in the text's script, so a Russian locale never turns Hebrew Russian.
struct HintPrior {
    /// Bonus per lane, in cost units.
    private(set) var bonuses = SIMD32<Int32>()

    init(_ hints: LanguageHints, model: LanguageModel, regionLanes: [PackedSubtag: UInt32]) {
        let parameters = model.parameters
        let (language, localeRegion) = Self.subtags(of: hints.locale)
        if let language, let lane = model.lane(of: language.canonical) {
            bonuses[lane] = parameters.localeBonus
        }
        // The explicit region wins; a locale like `pt-BR` still says where the viewer is.
        let region = Self.region(hints.region) ?? localeRegion
        if let region, var lanes = regionLanes[region] {
            while lanes != 0 {
                grant(parameters.regionBonus, to: lanes.trailingZeroBitCount)
                lanes &= lanes &- 1
            }
        }
        for recent in hints.recentLanguages {
            if let code = PackedSubtag(recent), let lane = model.lane(of: code.canonical) {
                grant(parameters.recentBonus, to: lane)
            }
        }
    }

    private mutating func grant(_ bonus: Int32, to lane: Int) {
        bonuses[lane] = max(bonuses[lane], bonus)
    }

    /// The language subtag and the first two-letter region subtag of a BCP 47 locale
    /// (`zh-Hans-CN` → `zh`, `cn`); nil for `und` and other codes naming no language.
    private static func subtags(of locale: String) -> (PackedSubtag?, PackedSubtag?) {
        let found = locale.utf8.withContiguousStorageIfAvailable { utf8 -> (PackedSubtag?, PackedSubtag?) in
            var language: PackedSubtag?
            var region: PackedSubtag?
            var start = 0
            var position = 0
            for index in 0...utf8.count where index == utf8.count || utf8[index] == 0x2D || utf8[index] == 0x5F {
                let subtag = utf8[start..<index]
                if position == 0, (2...3).contains(subtag.count) {
                    language = PackedSubtag(utf8: subtag)
                } else if position > 0, region == nil, subtag.count == 2 {
                    region = PackedSubtag(utf8: subtag)
                }
                position += 1
                start = index + 1
            }
            return (language, region)
        }
        guard let found else { return (nil, nil) }
        guard let language = found.0, !namesNoLanguage(language) else { return (nil, found.1) }
        return found
    }

    /// An ISO 3166 alpha-2 region, nil for `ZZ` (unknown) or anything else.
    private static func region(_ code: String) -> PackedSubtag? {
        guard code.utf8.count == 2, let region = PackedSubtag(code), region != unknownRegion else { return nil }
        return region
    }

    private static func namesNoLanguage(_ code: PackedSubtag) -> Bool {
        noLanguage.contains(code)
    }

    private static let unknownRegion = PackedSubtag("zz") ?? .none
    private static let noLanguage = ["und", "mul", "zxx", "mis"].compactMap { PackedSubtag($0) }
}
