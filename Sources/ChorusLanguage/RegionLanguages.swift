/// The languages most chat from a region is written in, for the region prior.
///
/// A small hand-written table covering the model's languages; a region's official or
/// dominant languages only, since a weak prior for many languages is no prior at all.
/// CLDR territory data can replace it without changing callers.
enum RegionLanguages {
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
        for (region, languages) in table {
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
