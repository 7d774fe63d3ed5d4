/// Script classes of the model's character table (the ids scripts/langid/langid_text.py
/// writes). A token is a run of letters of one run class: Han and kana form one class,
/// since Japanese writes them without spaces.
enum ModelScript: UInt8, CaseIterable {
    case none = 0
    case latin, greek, cyrillic, hebrew, arabic, devanagari, thai, hangul, han, hiragana, katakana
    /// Letters of scripts no model language is written in.
    case other

    /// The run class of a letter of this script.
    var run: ModelScript {
        switch self {
        case .hiragana, .katakana: .han
        default: self
        }
    }

    /// The scripts (as `LANG` script-mask bits) whose letters make up a run of this class.
    var scriptsOfRun: UInt32 {
        switch self {
        case .han:
            1 << UInt32(Self.han.rawValue) | 1 << UInt32(Self.hiragana.rawValue) | 1 << UInt32(Self.katakana.rawValue)
        case .hiragana, .katakana: 0
        default: 1 << UInt32(rawValue)
        }
    }
}
