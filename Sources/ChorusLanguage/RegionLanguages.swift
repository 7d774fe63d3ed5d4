import CChorusICU
import ChorusCore

/// The languages most chat from a region is written in, for the region prior: for every ISO
/// 3166-1 region, CLDR's most likely language (ICU's likely-subtags data), plus the other
/// official or dominant languages of multilingual regions from the table below. Official or
/// dominant only, since a weak prior for many languages is no prior at all.
enum RegionLanguages {
    /// Every region's languages: CLDR's likely one first, then the table's others.
    static let all: [String: [String]] = {
        var result: [String: [String]] = [:]
        for region in RegionCode.all {
            var languages: [String] = []
            var buffer = [CChar](repeating: 0, count: 16)
            if chorus_likely_language(region, &buffer, Int32(buffer.count)) > 0 {
                languages.append(
                    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            for language in table[region] ?? [] where !languages.contains(language) { languages.append(language) }
            if !languages.isEmpty { result[region] = languages }
        }
        return result
    }()

    /// Multilingual regions' further languages (and the hand-checked dominant one).
    static let table: [String: [String]] = [
        "AE": ["ar"], "AR": ["es"], "AT": ["de"], "AU": ["en"], "BE": ["nl", "fr"], "BO": ["es"],
        "BR": ["pt"], "BY": ["ru"], "CA": ["en", "fr"], "CH": ["de", "fr", "it"], "CL": ["es"],
        "CN": ["zh"], "CO": ["es"], "CR": ["es"], "CU": ["es"], "CY": ["el"], "CZ": ["cs"],
        "DE": ["de"], "DO": ["es"], "DZ": ["ar"], "EC": ["es"], "EG": ["ar"], "ES": ["es"],
        "FR": ["fr"], "GB": ["en"], "GR": ["el"], "GT": ["es"], "HK": ["zh"], "HN": ["es"],
        "HU": ["hu"], "ID": ["id"], "IE": ["en"], "IL": ["he"], "IN": ["hi", "en"], "IQ": ["ar"],
        "IT": ["it"], "JO": ["ar"], "JP": ["ja"], "KR": ["ko"], "KW": ["ar"], "KZ": ["ru"],
        "LB": ["ar"], "LU": ["fr", "de"], "MA": ["ar", "fr"], "MD": ["ro"], "MX": ["es"], "MY": ["en"],
        "NI": ["es"], "NL": ["nl"], "NZ": ["en"], "OM": ["ar"], "PA": ["es"], "PE": ["es"], "PH": ["en"],
        "PL": ["pl"], "PR": ["es"], "PT": ["pt"], "PY": ["es"], "QA": ["ar"], "RO": ["ro"], "RU": ["ru"],
        "SA": ["ar"], "SE": ["sv"], "SG": ["en", "zh"], "SV": ["es"], "TH": ["th"], "TN": ["ar"],
        "TR": ["tr"], "TW": ["zh"], "UA": ["uk"], "US": ["en"], "UY": ["es"], "VE": ["es"], "VN": ["vi"],
        "ZA": ["en"],
    ]

    /// Region → lane bits of the candidates among its languages, for one model, indexed by
    /// `PackedSubtag.regionIndex`: an array read instead of a hashed lookup on every message.
    static func lanes(model: LanguageModel, candidates: UInt32) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: PackedSubtag.regionCount)
        for (region, languages) in all {
            guard let index = PackedSubtag(region)?.regionIndex else { continue }
            var lanes: UInt32 = 0
            for language in languages {
                if let packed = PackedSubtag(language), let lane = model.lane(of: packed) { lanes |= 1 << lane }
            }
            result[index] = lanes & candidates
        }
        return result
    }
}
