/// Reads a message's UTF-8 once and sums its tokens' costs per candidate language.
///
/// Links, @mentions, #tags and e-mail addresses are skipped (`LinkDetector`). Every other code
/// point goes through the model's character table: letters and marks form tokens, a token ends
/// at any other character or where the script class changes, and a Latin token touching an
/// ASCII digit (`2x`, `mp3`, `4k`) is dropped as a unit or model number. This is the loop
/// `tokens()` in scripts/langid/langid_text.py runs on the training words.
///
/// A token in a script a language is not written in costs that language a flat amount per
/// token and per point instead: cheap for Latin (brand names in Russian or Japanese chat) and
/// prohibitive for the rest (so the script of the text decides, whatever the hints say).
///
/// Once enough tokens put one language so far ahead that no prior could close the gap
/// (`settleMargin`), the rest of the text is only read for its scripts: a token in a script
/// already seen is not looked up. A token in a new script could change the answer (its script
/// weighs on every language), so the scan stops as `interrupted` and the caller reads the text
/// again without settling. Most chat lines settle after three or four words, which spares most
/// of the n-gram lookups of longer messages.
struct TextScorer {
    /// Scored tokens before the lead is checked: fewer words leave close calls to chance.
    static let settleTokens: Int32 = 3
    /// Lead over the runner-up, in nats beyond the largest prior bonus, that settles the text.
    static let settleNats: Int32 = 20

    /// Lanes (candidates) written in the script of at least one token.
    private(set) var present: UInt32 = 0
    /// Tokens read, in any script.
    private(set) var tokens: Int32 = 0

    private let model: LanguageModel
    private let characters: CharacterTable
    private let candidates: UInt32
    private let scratch: TokenScorer.Scratch
    private var scorer: TokenScorer
    /// Foreign-script costs so far, owed by every lane: `scratch.totals` holds each lane's
    /// difference from it, so a token touches only the lanes written in its script.
    private var foreignTotal: Int32 = 0
    private var run = ModelScript.none
    private var inToken = false
    private var afterDigit = false
    private var previousDigit = false
    /// Bit per run class (`ModelScript.rawValue`) of the tokens read so far.
    private var seenRuns: UInt32 = 0
    /// The lead is decisive: tokens in scripts already seen are skipped.
    private var settled = false
    /// The current token is being skipped.
    private var skipping = false
    /// A token in a new script followed skipped ones: the totals are incomplete.
    private(set) var interrupted = false
    private let settleMargin: Int32

    /// `settles: false` reads every token (for tests that compare the two).
    init(model: LanguageModel, candidates: UInt32, scratch: TokenScorer.Scratch, settles: Bool = true) {
        self.model = model
        let parameters = model.parameters
        self.settleMargin =
            settles
            ? max(parameters.localeBonus, parameters.regionBonus, parameters.recentBonus)
                &+ Self.settleNats &* parameters.unit
            : .max
        self.characters = model.characters
        self.candidates = candidates
        self.scratch = scratch
        self.scorer = TokenScorer(model: model, scratch: scratch)
    }

    /// The summed cost of `lane` (meaningful for lanes in `present`).
    func total(_ lane: Int) -> Int32 {
        scratch.totals[lane] &+ foreignTotal
    }

    mutating func scan(_ utf8: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start < utf8.count {
            if Self.isASCIISpace(utf8[start]) {
                start += 1
                continue
            }
            var end = start + 1
            while end < utf8.count && !Self.isASCIISpace(utf8[end]) { end += 1 }
            scanWord(utf8[start..<end])
            closeToken(beforeDigit: false)
            previousDigit = false
            start = end
            if interrupted { return }
            if !settled && tokens >= Self.settleTokens { settled = leadIsDecisive() }
        }
    }

    /// Whether the cheapest language so far leads every other by `settleMargin`.
    private func leadIsDecisive() -> Bool {
        var best = Int32.max
        var second = Int32.max
        var lanes = present
        while lanes != 0 {
            let cost = scratch.totals[lanes.trailingZeroBitCount]
            if cost < best {
                second = best
                best = cost
            } else if cost < second {
                second = cost
            }
            lanes &= lanes &- 1
        }
        guard settleMargin != .max, best != .max else { return false }
        return second == .max || second &- best >= settleMargin
    }

    /// One whitespace-delimited word, minus whatever part of it is a link or a handle.
    private mutating func scanWord(_ word: LinkDetector.Bytes) {
        guard LinkDetector.mayHoldAddress(word) else { return scanText(word) }
        if LinkDetector.isHandleOrAddress(word) || LinkDetector.isBareDomain(word) { return }
        var rest = word
        while let link = LinkDetector.firstLink(in: rest) {
            scanText(rest[rest.startIndex..<link.lowerBound])
            closeToken(beforeDigit: false)
            previousDigit = false
            rest = rest[link.upperBound...]
        }
        scanText(rest)
    }

    private mutating func scanText(_ text: LinkDetector.Bytes) {
        var index = text.startIndex
        while index < text.endIndex {
            let lead = text[index]
            // Swift strings hold valid UTF-8, so the lead byte gives the sequence length.
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var scalar = UInt32(lead) & (length == 1 ? 0x7F : length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            let end = min(index + length, text.endIndex)
            for continuation in text[(index + 1)..<end] {
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            read(scalar)
            index = end
        }
    }

    @inline(__always)
    private mutating func read(_ scalar: UInt32) {
        let entry = characters.entry(scalar)
        switch entry.kind {
        case .ignored:
            return
        case .separator:
            let isDigit = scalar &- 0x30 < 10
            closeToken(beforeDigit: isDigit)
            previousDigit = isDigit
        case .mark:
            if inToken { scorer.append(entry.folded) }
        case .letter:
            let letterRun = entry.script.run
            if inToken && letterRun != run { closeToken(beforeDigit: false) }
            if !inToken {
                run = letterRun
                afterDigit = previousDigit
                inToken = true
                let runBit: UInt32 = 1 << UInt32(run.rawValue)
                if settled && seenRuns & runBit == 0 {
                    settled = false
                    interrupted = true
                }
                seenRuns |= runBit
                skipping = settled
                scorer.begin(
                    run,
                    lanes: skipping ? 0 : model.runLanguages[Int(run.rawValue)] & candidates & model.modelledLanguages)
            }
            scorer.append(entry.folded)
            if entry.secondIndex != 0 { scorer.append(characters.second(entry.secondIndex)) }
            previousDigit = false
        }
    }

    private mutating func closeToken(beforeDigit: Bool) {
        guard inToken else { return }
        inToken = false
        scorer.end()
        if skipping || (run == .latin && (afterDigit || beforeDigit)) { return }
        tokens += 1
        guard run != .other else { return }
        let parameters = model.parameters
        let points = scorer.points
        let own = parameters.ownToken &+ parameters.ownPoint &* points
        let foreign =
            run == .latin
            ? parameters.latinToken &+ parameters.latinPoint &* points
            : parameters.foreignToken &+ parameters.foreignPoint &* points
        foreignTotal &+= foreign
        let written = model.runLanguages[Int(run.rawValue)] & candidates
        present |= written
        var remaining = written
        while remaining != 0 {
            let lane = remaining.trailingZeroBitCount
            let native = scorer.lanes & 1 << lane != 0 ? scratch.token[lane] : own
            scratch.totals[lane] &+= native &- foreign
            remaining &= remaining &- 1
        }
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
