/// Scores one token (a run of letters of one script class) against many languages at once.
///
/// A token's cost in a language is the smaller of its word cost (−log frequency, when the word
/// table has it) and the cost of spelling it: the language's out-of-vocabulary cost plus a
/// character n-gram model with word-boundary symbols (none for Han and kana runs, which are
/// not words), backing off to shorter n-grams per language. Costs arrive point by point, so a
/// token is never copied or hashed twice.
///
/// Per-language costs live in caller-provided scratch memory (`Scratch`), one `Int32` per
/// lane: the generic SIMD types spilled every lane to the stack on each operation.
struct TokenScorer {
    /// Symbols around a word in the n-gram model; control characters never occur in a token.
    private static let wordStart: UInt32 = 0x02
    private static let wordEnd: UInt32 = 0x03

    /// Lane-indexed scratch memory for one message, on the caller's stack.
    struct Scratch {
        static let lanes = 32
        /// Bytes: three lane vectors, eight symbols, nine hashes and nine bucket ranges.
        static let byteCount = 12 * lanes + 32 + 72 + 9 * MemoryLayout<Range<Int>>.stride

        /// Summed costs per lane.
        let totals: UnsafeMutablePointer<Int32>
        /// Spelling costs of the current token per lane.
        let spelling: UnsafeMutablePointer<Int32>
        /// Costs of the current token per lane (valid for the token's lanes).
        let token: UnsafeMutablePointer<Int32>
        /// The last eight symbols of the current token, indexed by position & 7.
        let recent: UnsafeMutablePointer<UInt32>
        /// Per n-gram length (1...order) ending at the newest symbol: its hash and its bucket.
        let hashes: UnsafeMutablePointer<UInt64>
        let buckets: UnsafeMutablePointer<Range<Int>>

        init(_ memory: UnsafeMutableRawPointer) {
            totals = memory.bindMemory(to: Int32.self, capacity: 3 * Self.lanes)
            spelling = totals + Self.lanes
            token = totals + 2 * Self.lanes
            recent = (memory + 12 * Self.lanes).bindMemory(to: UInt32.self, capacity: 8)
            hashes = (memory + 12 * Self.lanes + 32).bindMemory(to: UInt64.self, capacity: 9)
            buckets = (memory + 12 * Self.lanes + 32 + 72).bindMemory(to: Range<Int>.self, capacity: 9)
            totals.initialize(repeating: 0, count: Self.lanes)
            buckets.initialize(repeating: 0..<0, count: 9)
        }
    }

    private let words: CostTable
    private let ngrams: CostTable
    private let order: Int
    private let backoff: Int32
    private let unseen: Int32
    private let outOfVocabulary: UnsafePointer<Int32>
    private let scratch: Scratch

    /// Lanes this token is looked up for: candidates with a model, written in the token's run.
    private(set) var lanes: UInt32 = 0
    private var hasBoundaries = false
    private var symbols = 0
    private var wordHash: UInt64 = 0
    /// Folded code points in the token so far.
    private(set) var points: Int32 = 0

    init(model: LanguageModel, scratch: Scratch) {
        words = model.words
        ngrams = model.ngrams
        order = model.parameters.order
        backoff = model.parameters.backoff
        unseen = model.parameters.unseen
        outOfVocabulary = UnsafePointer(model.outOfVocabularyCosts)
        self.scratch = scratch
    }

    /// Starts a token of `run`, to be scored for the languages in `lanes` (none: only count).
    @inline(__always)
    mutating func begin(_ run: ModelScript, lanes: UInt32) {
        self.lanes = lanes
        hasBoundaries = run != .han
        symbols = 0
        points = 0
        guard lanes != 0 else { return }
        wordHash = ModelHash.start(ModelHash.wordSeed)
        scratch.spelling.update(repeating: 0, count: Scratch.lanes)
        if hasBoundaries { push(Self.wordStart) }
    }

    @inline(__always)
    mutating func append(_ point: UInt32) {
        points &+= 1
        guard lanes != 0 else { return }
        wordHash = ModelHash.step(wordHash, point)
        push(point)
        scoreLastSymbol()
    }

    /// Finishes the token: `scratch.token` holds its cost in each of `lanes`.
    mutating func end() {
        guard lanes != 0 else { return }
        // Located before the last n-grams are scored, so its cache line arrives meanwhile.
        let wordHash = ModelHash.finish(wordHash)
        let wordBucket = words.bucket(wordHash)
        if hasBoundaries {
            push(Self.wordEnd)
            scoreLastSymbol()
        }
        var remaining = lanes
        while remaining != 0 {
            let lane = remaining.trailingZeroBitCount
            scratch.token[lane] = outOfVocabulary[lane] &+ scratch.spelling[lane]
            remaining &= remaining &- 1
        }
        let lanes = self.lanes
        let token = scratch.token
        words.forEachCost(wordHash, in: wordBucket) { lane, cost in
            if lanes & 1 << lane != 0 { token[lane] = min(token[lane], cost) }
        }
    }

    @inline(__always)
    private mutating func push(_ symbol: UInt32) {
        scratch.recent[symbols & 7] = symbol
        symbols += 1
    }

    /// Adds the cost of the newest symbol given the ones before it, per language: the longest
    /// n-gram that language has, plus a penalty per order given up.
    private mutating func scoreLastSymbol() {
        let top = min(order, symbols)
        var state = ModelHash.start(ModelHash.ngramSeed)
        for length in 1...top {
            state = ModelHash.step(state, scratch.recent[(symbols - length) & 7])
            let hash = ModelHash.finish(state)
            scratch.hashes[length] = hash
            scratch.buckets[length] = ngrams.bucket(hash)
        }
        var pending = lanes
        var length = top
        let spelling = scratch.spelling
        while length > 0 && pending != 0 {
            let penalty = backoff &* Int32(top - length)
            ngrams.forEachCost(scratch.hashes[length], in: scratch.buckets[length]) { lane, cost in
                guard pending & 1 << lane != 0 else { return }
                pending &= ~(1 << lane)
                spelling[lane] &+= cost &+ penalty
            }
            length -= 1
        }
        while pending != 0 {
            spelling[pending.trailingZeroBitCount] &+= unseen
            pending &= pending &- 1
        }
    }
}
