/// The writing system of a letter, coarse enough to check a language guess against the text.
///
/// The standard library exposes no Unicode Script property, and a hint only needs to be
/// checked against a handful of scripts, so a range table over the letter blocks suffices.
enum Script: UInt8, CaseIterable {
    case other = 0
    case latin, greek, cyrillic, armenian, hebrew, arabic, syriac, thaana
    case devanagari, bengali, gurmukhi, gujarati, oriya, tamil, telugu, kannada, malayalam
    case sinhala, thai, lao, tibetan, myanmar, georgian, hangul, ethiopic, cherokee, khmer
    case mongolian, hiragana, katakana, han

    /// This script as one bit of a `Script.Set`.
    var bit: UInt32 { 1 << UInt32(rawValue) }

    /// A set of scripts as a bit mask (there are fewer than 32 cases).
    typealias Set = UInt32

    /// The script of a scalar already known to be a letter.
    static func of(_ value: UInt32) -> Script {
        switch value {
        case 0..<0x2B0, 0x1E00..<0x1F00, 0x2C60..<0x2C80, 0xA720..<0xA800, 0xFF21..<0xFF5B:
            return .latin
        case 0x370..<0x400, 0x1F00..<0x2000: return .greek
        case 0x400..<0x530, 0x1C80..<0x1C90, 0x2DE0..<0x2E00, 0xA640..<0xA6A0: return .cyrillic
        case 0x530..<0x590: return .armenian
        case 0x590..<0x600, 0xFB1D..<0xFB50: return .hebrew
        case 0x600..<0x700, 0x750..<0x780, 0x870..<0x900, 0xFB50..<0xFE00, 0xFE70..<0xFF00:
            return .arabic
        case 0x700..<0x750: return .syriac
        case 0x780..<0x7C0: return .thaana
        case 0x900..<0x980, 0xA8E0..<0xA900: return .devanagari
        case 0x980..<0xA00: return .bengali
        case 0xA00..<0xA80: return .gurmukhi
        case 0xA80..<0xB00: return .gujarati
        case 0xB00..<0xB80: return .oriya
        case 0xB80..<0xC00: return .tamil
        case 0xC00..<0xC80: return .telugu
        case 0xC80..<0xD00: return .kannada
        case 0xD00..<0xD80: return .malayalam
        case 0xD80..<0xE00: return .sinhala
        case 0xE00..<0xE80: return .thai
        case 0xE80..<0xF00: return .lao
        case 0xF00..<0x1000: return .tibetan
        case 0x1000..<0x10A0: return .myanmar
        case 0x10A0..<0x1100, 0x1C90..<0x1CC0, 0x2D00..<0x2D30: return .georgian
        case 0x1100..<0x1200, 0x3130..<0x3190, 0xA960..<0xA980, 0xAC00..<0xD7B0, 0xD7B0..<0xD800,
            0xFFA0..<0xFFDD:
            return .hangul
        case 0x1200..<0x13A0, 0x2D80..<0x2DE0, 0xAB00..<0xAB30: return .ethiopic
        case 0x13A0..<0x1400, 0xAB70..<0xABC0: return .cherokee
        case 0x1780..<0x1800, 0x19E0..<0x1A00: return .khmer
        case 0x1800..<0x18B0: return .mongolian
        case 0x3040..<0x30A0, 0x1B000..<0x1B170: return .hiragana
        case 0x30A0..<0x3100, 0x31F0..<0x3200, 0xFF66..<0xFF9E: return .katakana
        case 0x3005..<0x3008, 0x3021..<0x302A, 0x3100..<0x3130, 0x31A0..<0x31C0, 0x3400..<0x4DC0,
            0x4E00..<0xA000, 0xF900..<0xFB00, 0x20000..<0x40000:
            return .han
        default: return .other
        }
    }

    /// The scripts a language is normally written in, from its ISO 639 code.
    ///
    /// Languages not listed are written in Latin script. This only has to be right for languages
    /// CLD2 can answer or a viewer can declare; it decides whether a hinted answer is plausible.
    static func scripts(ofLanguage code: String) -> Set {
        switch code {
        case "ja": return Script.han.bit | Script.hiragana.bit | Script.katakana.bit
        case "zh", "yue": return Script.han.bit
        case "ko": return Script.hangul.bit | Script.han.bit
        case "ru", "uk", "be", "bg", "mk", "kk", "ky", "tg", "tt", "ba", "cv", "os", "ab", "ce":
            return Script.cyrillic.bit
        case "sr", "uz", "az", "tk": return Script.cyrillic.bit | Script.latin.bit
        case "mn": return Script.cyrillic.bit | Script.mongolian.bit
        case "ar", "fa", "ur", "ps", "sd", "ug", "ks": return Script.arabic.bit
        case "ku": return Script.arabic.bit | Script.latin.bit
        case "pa": return Script.gurmukhi.bit | Script.arabic.bit
        case "he", "iw", "yi": return Script.hebrew.bit
        case "el": return Script.greek.bit
        case "hy": return Script.armenian.bit
        case "ka": return Script.georgian.bit
        case "hi", "mr", "ne", "sa", "bh", "new", "mai", "raj": return Script.devanagari.bit
        case "bn", "as": return Script.bengali.bit
        case "gu": return Script.gujarati.bit
        case "or": return Script.oriya.bit
        case "ta": return Script.tamil.bit
        case "te": return Script.telugu.bit
        case "kn": return Script.kannada.bit
        case "ml": return Script.malayalam.bit
        case "si": return Script.sinhala.bit
        case "th": return Script.thai.bit
        case "lo": return Script.lao.bit
        case "bo", "dz": return Script.tibetan.bit
        case "my": return Script.myanmar.bit
        case "km": return Script.khmer.bit
        case "am", "ti": return Script.ethiopic.bit
        case "chr": return Script.cherokee.bit
        case "dv": return Script.thaana.bit
        case "syr": return Script.syriac.bit
        default: return Script.latin.bit
        }
    }

    /// The one language CLD2 can answer for text in this script, if the script has only one.
    ///
    /// For such text the script alone settles the language, however short the text is.
    var soleLanguage: String? {
        switch self {
        case .hangul: return "ko"
        case .hiragana, .katakana: return "ja"
        case .greek: return "el"
        case .thai: return "th"
        case .armenian: return "hy"
        case .georgian: return "ka"
        case .lao: return "lo"
        case .khmer: return "km"
        case .sinhala: return "si"
        case .gujarati: return "gu"
        case .gurmukhi: return "pa"
        case .oriya: return "or"
        case .tamil: return "ta"
        case .telugu: return "te"
        case .kannada: return "kn"
        case .malayalam: return "ml"
        case .myanmar: return "my"
        case .tibetan: return "bo"
        case .thaana: return "dv"
        case .cherokee: return "chr"
        default: return nil
        }
    }
}
