internal import CChorusCLD2
public import ChorusCore

/// Tags messages with CLD2, using the viewer's locale only where the text cannot decide.
///
/// The order of evidence is: letters (none means `und`, whatever CLD2 would guess), then the
/// text as CLD2 reads it, then the viewer's locale. A locale is a prior about the *viewer*,
/// not about the author, so it may settle a tie but never outvote the text.
///
/// Stateless and `Sendable`: CLD2 keeps no mutable global state, so any number of threads may
/// tag at once.
public struct CLD2Tagger: LanguageTagger {
    /// The allocator tuning CLD2 needs, done once per process however many taggers exist.
    private static let mallocTuned: Void = chorus_malloc_tune()

    public init() {
        Self.mallocTuned
    }

    public func tag(_ text: String, hints: LanguageHints) -> LanguageTag {
        let scanned = ScannedText(text)
        // No letters: emoji, numbers, punctuation, links. Certain, short of mis-scanning.
        guard scanned.letterCount > 0 else { return LanguageTag(language: "und", confidence: 0.95) }

        let baseline = Verdict(unhinted: scanned)
        guard let hint = ViewerHint(hints) else { return baseline.tag(viewer: .silent) }
        if hint.language == baseline.language { return baseline.tag(viewer: .agrees) }
        // CLD2 is sure (reliable on its own, or the script settles it): the locale is moot.
        // A hint for a language not written in this text's script cannot be right either.
        guard baseline.certainty == .guess, scanned.isMostlyWritten(in: hint.language) else {
            return baseline.tag(viewer: .silent)
        }

        let hinted = CLD2Detection(scanned.bytes, hint: hint)
        guard let candidate = hinted.top, candidate.language != baseline.language,
            scanned.isMostlyWritten(in: candidate.language)
        else { return baseline.tag(viewer: .silent) }

        // CLD2's hint boosts one language and zeroes its close relatives, so a hinted win
        // proves nothing by itself. Hint each contender as itself (language only: a region
        // boosts some languages more than others) and keep the viewer's side only if it fits
        // the text at least as well: a tie-break, never an override.
        if let winner = baseline.language, !Self.wins(candidate.language, over: winner, scanned) {
            return baseline.tag(viewer: .disputes)
        }
        return Verdict(bestEffort: hinted, scanned: scanned).tag(viewer: .agrees)
    }
}

extension CLD2Tagger {
    /// Whether `challenger` scores at least as well as `holder` when each is the hinted one.
    private static func wins(_ challenger: String, over holder: String, _ scanned: ScannedText)
        -> Bool
    {
        let defended = CLD2Detection(scanned.bytes, hint: ViewerHint(language: holder, domain: nil))
        guard let defense = defended.top else { return false }
        if defense.language == challenger { return true }
        let attacked = CLD2Detection(
            scanned.bytes, hint: ViewerHint(language: challenger, domain: nil))
        guard let attack = attacked.top, attack.language == challenger else { return false }
        return defense.language == holder && attack.score >= defense.score
    }
}

/// What the viewer's locale says about a verdict.
private enum ViewerStance {
    /// No usable locale, or one that cannot apply (another script, or CLD2 was sure anyway).
    case silent
    /// The locale's language is the verdict.
    case agrees
    /// The locale's language was plausible but lost the tie-break.
    case disputes
}

/// A detection and how far to trust it.
private struct Verdict {
    enum Certainty {
        /// The letters' script admits one language only.
        case script
        /// CLD2 answered without best effort and called the answer reliable.
        case reliable
        /// CLD2's best-effort answer: right about 60% of the time on a word or two.
        case guess
    }

    var detection: CLD2Detection
    var certainty: Certainty

    var language: String? { detection.top?.language }

    /// The unhinted answer: strict first, since a reliable strict answer is also the
    /// best-effort one and saves a second pass on longer texts.
    init(unhinted scanned: ScannedText) {
        let strict = CLD2Detection(strict: scanned.bytes)
        if strict.isReliable, let top = strict.top {
            let settled = scanned.isSettledByScript(as: top.language)
            self.init(detection: strict, certainty: settled ? .script : .reliable)
        } else {
            self.init(bestEffort: CLD2Detection(scanned.bytes, hint: nil), scanned: scanned)
        }
    }

    /// A best-effort answer, which only the script can make certain.
    init(bestEffort detection: CLD2Detection, scanned: ScannedText) {
        let settled = detection.top.map { scanned.isSettledByScript(as: $0.language) } ?? false
        self.init(detection: detection, certainty: settled ? .script : .guess)
    }

    private init(detection: CLD2Detection, certainty: Certainty) {
        self.detection = detection
        self.certainty = certainty
    }

    /// The tag, with a confidence that grows with length, share and fit.
    ///
    /// Shaped after CLD2's behavior on short texts (measured in aggregate, not per item):
    /// best-effort answers on a word or two are right roughly 60% of the time, reliable ones
    /// 65-90% below 24 bytes, and reliable answers on sentences nearly always.
    func tag(viewer: ViewerStance) -> LanguageTag {
        // Letters CLD2 cannot place (an unsupported script): no language we can name.
        guard let top = detection.top else { return LanguageTag(language: "und", confidence: 0.2) }
        if certainty == .script { return LanguageTag(language: top.language, confidence: 0.97) }
        var confidence = 1 - 2.6 / Double(max(detection.textBytes, 4))
        if certainty == .guess { confidence *= 0.75 }
        // Mixed-language text: the top language holds only part of it.
        confidence *= min(1, max(0.5, Double(top.percent) / 90))
        // A poor fit to CLD2's model for the language (rare words, transliteration, noise).
        if top.score < 300 {
            confidence *= 0.75
        } else if top.score < 700 {
            confidence *= 0.9
        }
        // The viewer's language is independent evidence, for the verdict or against it.
        switch viewer {
        case .silent: break
        case .agrees: confidence += (1 - confidence) * 0.3
        case .disputes: confidence *= 0.8
        }
        return LanguageTag(language: top.language, confidence: min(0.99, max(0.01, confidence)))
    }
}
