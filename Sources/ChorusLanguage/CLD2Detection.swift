internal import CChorusCLD2

/// One CLD2 answer, with codes mapped to ISO 639-1 and non-languages dropped.
///
/// Candidates are stored inline rather than in an array: this is built on every message,
/// and CLD2 never returns more than three.
struct CLD2Detection {
    /// A language CLD2 found, with its share of the text and how well the text fits it.
    struct Candidate {
        var language: String
        /// Share of the scored bytes, 0-100.
        var percent: Int
        /// CLD2's score per KiB of text; hint boosts are included when hints were given.
        var score: Double
    }

    /// The best usable candidate, or nil when CLD2 found no language.
    private(set) var top: Candidate?
    private(set) var second: Candidate?
    private(set) var third: Candidate?
    /// Letter bytes CLD2 scored (spaces between words included).
    private(set) var textBytes = 0
    /// CLD2's own flag; only meaningful for a strict detection (see `init(strict:)`).
    private(set) var isReliable = false

    /// Best-effort detection, boosted by the viewer's language and region when given.
    init(_ bytes: [UInt8], hint: ViewerHint?) {
        var raw = chorus_cld2_result()
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                Self.withOptionalCString(hint?.language) { language in
                    Self.withOptionalCString(hint?.domain) { domain in
                        chorus_cld2_detect(
                            text.baseAddress, Self.length(of: text), language, domain, &raw)
                    }
                }
            }
        }
        self.init(raw)
    }

    /// Detection without best effort: "unknown" whenever CLD2 itself is not sure.
    init(strict bytes: [UInt8]) {
        var raw = chorus_cld2_result()
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                chorus_cld2_detect_strict(text.baseAddress, Self.length(of: text), &raw)
            }
        }
        self.init(raw)
    }

    private init(_ raw: chorus_cld2_result) {
        textBytes = Int(raw.text_bytes)
        isReliable = raw.is_reliable != 0
        for slot in 0..<3 {
            let (code, percent, score) =
                switch slot {
                case 0: (raw.code.0, raw.percent.0, raw.normalized_score.0)
                case 1: (raw.code.1, raw.percent.1, raw.normalized_score.1)
                default: (raw.code.2, raw.percent.2, raw.normalized_score.2)
                }
            let cld2Code = withUnsafeBytes(of: code) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let language = Self.isoCode(fromCLD2: cld2Code) else { continue }
            let candidate = Candidate(language: language, percent: Int(percent), score: score)
            if top == nil {
                top = candidate
            } else if second == nil {
                second = candidate
            } else {
                third = candidate
            }
        }
    }

    /// Whether `language` is among the candidates.
    func includes(_ language: String) -> Bool {
        top?.language == language || second?.language == language || third?.language == language
    }

    /// ISO 639-1 for a CLD2 code (three letters where 639-1 has none), nil for non-languages.
    ///
    /// CLD2 still uses withdrawn codes (`iw`, `in`, `jw`), splits Chinese and Serbian by script
    /// or country, and in extended mode answers pseudo-languages and bare scripts (`xx-Latn`).
    static func isoCode(fromCLD2 code: String) -> String? {
        switch code {
        case "un", "xx", "xxx", "zzb", "zzp", "zzh", "zze": return nil
        case "zh-Hant": return "zh"
        case "sr-ME": return "sr"
        case "iw": return "he"
        case "in": return "id"
        case "jw": return "jv"
        case "ji": return "yi"
        case "mo": return "ro"
        default:
            let isCode =
                (2...3).contains(code.utf8.count)
                && code.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
            return isCode ? code : nil
        }
    }

    private static func length(of text: UnsafeBufferPointer<CChar>) -> Int32 {
        Int32(clamping: text.count)
    }

    private static func withOptionalCString<Result>(
        _ string: String?, _ body: (UnsafePointer<CChar>?) -> Result
    ) -> Result {
        guard let string else { return body(nil) }
        return string.withCString { body($0) }
    }
}
