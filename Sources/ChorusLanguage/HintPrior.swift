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

    init(_ hints: LanguageHints, model: LanguageModel, regionLanes: [UInt32]) {
        let parameters = model.parameters
        let subtags = LocaleSubtags(hints)
        if let language = subtags.language, let lane = model.lane(of: language) {
            bonuses[lane] = parameters.localeBonus
        }
        if let index = subtags.region?.regionIndex {
            var lanes = regionLanes[index]
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
}
