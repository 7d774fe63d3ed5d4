internal import CChorusLangid
public import ChorusCore

/// Tags messages with Chorus's own language model: word frequencies and character n-grams
/// per language, trained on wordfreq (scripts/langid/build-model.py, docs/language-tagging.md).
///
/// The order of evidence: letters (none means `und`), then the script they are written in
/// (an answer must be written in a script the text uses), then the text's cost in each
/// candidate language, then the viewer's locale, region and recent tags as a bounded prior
/// that settles close calls but never outvotes clear text.
///
/// The confidence is a posterior: a softmax over the candidates' costs with a temperature
/// fitted on validation data, so that answers given with confidence 0.8 are right about 80 %
/// of the time.
///
/// Stateless and `Sendable`: the model is immutable and every call keeps its state on the
/// stack, so any number of threads may tag at once.
public struct ModelTagger: LanguageTagger {
    /// The languages of the embedded model (ISO 639-1).
    public static var supportedLanguages: [String] { LanguageModel.embedded.languages }

    private let model: LanguageModel
    /// Lane bits of the languages the tagger may answer.
    private let candidates: UInt32
    private let regionLanes: [UInt32]
    /// Whether long texts stop being scored once decided (`TextScorer`); off only in tests.
    private let settles: Bool
    /// Symbols of a token looked up together (`TokenScorer.Scratch`); smaller only in tests.
    private let symbolCapacity: Int

    /// A tagger over the embedded model answering only `candidates` (ISO 639-1 codes or BCP 47
    /// tags such as `pt-BR`, whose language is used), or every model language when nil.
    public init(candidates: [String]? = nil) throws(LanguageModelError) {
        try self.init(model: .embedded, candidates: candidates)
    }

    public init(model: LanguageModel, candidates: [String]? = nil) throws(LanguageModelError) {
        try self.init(model: model, candidates: candidates, settles: true)
    }

    init(
        model: LanguageModel, candidates: [String]?, settles: Bool,
        symbolCapacity: Int = TokenScorer.Scratch.defaultSymbolCapacity
    ) throws(LanguageModelError) {
        self.model = model
        self.settles = settles
        self.symbolCapacity = symbolCapacity
        var lanes: UInt32 = 0
        for candidate in candidates ?? model.languages {
            let language = candidate.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
            guard let code = PackedSubtag(language), let lane = model.lane(of: code.canonical) else {
                throw .unsupportedLanguage(candidate)
            }
            lanes |= 1 << lane
        }
        guard lanes != 0 else { throw .noCandidates }
        self.candidates = lanes
        self.regionLanes = RegionLanguages.lanes(model: model, candidates: lanes)
    }

    public func tag(_ text: String, hints: LanguageHints) -> LanguageTag {
        let byteCount = TokenScorer.Scratch.byteCount(symbolCapacity: symbolCapacity)
        // The scratch (5 KB) is past what Swift puts on the stack, so a temporary allocation
        // would be a malloc and free per message; the thread's own buffer is reused instead.
        if let memory = chorus_thread_scratch(byteCount) {
            return tag(text, hints: hints, scratch: memory)
        }
        return withUnsafeTemporaryAllocation(byteCount: byteCount, alignment: 16) { memory in
            // An allocation of nonzero size always has an address.
            tag(text, hints: hints, scratch: memory.baseAddress!)
        }
    }

    /// Tags with `memory` (`TokenScorer.Scratch.byteCount(symbolCapacity:)` bytes) as scratch.
    private func tag(_ text: String, hints: LanguageHints, scratch memory: UnsafeMutableRawPointer) -> LanguageTag {
        // A fresh `Scratch` starts from zeroed totals, so the second read reuses the memory.
        func makeScorer(settling: Bool) -> TextScorer {
            let scratch = TokenScorer.Scratch(memory, symbolCapacity: symbolCapacity)
            return TextScorer(model: model, candidates: candidates, scratch: scratch, settles: settling)
        }
        var scorer = makeScorer(settling: settles)
        scan(text, with: &scorer)
        if scorer.interrupted {
            scorer = makeScorer(settling: false)
            scan(text, with: &scorer)
        }
        guard scorer.present != 0 else {
            // No tokens: emoji, numbers, punctuation, links. Tokens only in scripts no
            // candidate is written in: a language, but not one this tagger may name.
            return LanguageTag(language: "und", confidence: scorer.tokens == 0 ? 0.95 : 0.5)
        }
        var costs = SIMD32<Int32>()
        var lanes = scorer.present
        while lanes != 0 {
            costs[lanes.trailingZeroBitCount] = scorer.total(lanes.trailingZeroBitCount)
            lanes &= lanes &- 1
        }
        if hints != .none {
            costs &-= HintPrior(hints, model: model, regionLanes: regionLanes).bonuses
        }
        return decide(costs, among: scorer.present, tokens: scorer.tokens)
    }

    private func scan(_ text: String, with scorer: inout TextScorer) {
        text.withUTF8Bytes { scorer.scan($0) }
    }

    /// The cheapest language among `lanes`, with its softmax posterior.
    private func decide(_ costs: SIMD32<Int32>, among lanes: UInt32, tokens: Int32) -> LanguageTag {
        var best = lanes.trailingZeroBitCount
        var remaining = lanes & (lanes &- 1)
        while remaining != 0 {
            let lane = remaining.trailingZeroBitCount
            if costs[lane] < costs[best] { best = lane }
            remaining &= remaining &- 1
        }
        let parameters = model.parameters
        let temperature = max(parameters.temperature + parameters.temperaturePerToken * Double(tokens), 1e-3)
        var total = 0.0
        remaining = lanes
        while remaining != 0 {
            let lane = remaining.trailingZeroBitCount
            total += Self.exponential(ofNegative: Double(costs[lane] &- costs[best]) / temperature)
            remaining &= remaining &- 1
        }
        return LanguageTag(language: model.languages[best], confidence: 1 / max(total, 1))
    }

    /// e^−x for x ≥ 0, to about 1e-7 relative: a few multiplications instead of a libm call
    /// per candidate on every message (the module avoids Foundation).
    static func exponential(ofNegative x: Double) -> Double {
        guard x < 40 else { return 0 }
        let power = -x * 1.4426950408889634  // log2(e)
        let whole = power.rounded(.down)
        let fraction = power - whole  // in [0, 1)
        // 2^f on [0, 1): Taylor series of e^(f ln 2), degree 7.
        let y = fraction * 0.6931471805599453
        let series = 1 + y * (1 + y * (0.5 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (1 / 720 + y / 5040))))))
        return Double(sign: .plus, exponent: Int(whole), significand: series)
    }
}
