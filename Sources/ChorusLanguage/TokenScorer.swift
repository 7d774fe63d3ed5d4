/// Scores one token (a run of letters of one script class) against many languages at once.
///
/// A token's cost in a language is the smaller of its word cost (−log frequency, when the word
/// table has it) and the cost of spelling it: the language's out-of-vocabulary cost plus a
/// character n-gram model with word-boundary symbols (none for Han and kana runs, which are
/// not words), backing off to shorter n-grams per language.
///
/// The tables are larger than a core's cache, so a lookup is mostly a wait for memory. The
/// token's symbols are therefore collected first and looked up in passes: every n-gram's hash
/// and bucket, then the first entry of every bucket, then the costs. The loads of one pass do
/// not depend on each other, so the processor has them in flight together instead of one
/// after another (a token longer than the buffer is looked up a chunk at a time).
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
        /// Symbols looked up together: longer than almost every word, small enough for the stack.
        static let defaultSymbolCapacity = 48
        /// The longest n-gram order a model may have (`ModelParameters` checks it).
        static let maxOrder = 8

        /// Bytes for a scratch holding `symbolCapacity` symbols.
        static func byteCount(symbolCapacity: Int = defaultSymbolCapacity) -> Int {
            12 * lanes + 4 * symbolCapacity + 12 * symbolCapacity * maxOrder + 16
        }

        /// Summed costs per lane.
        let totals: UnsafeMutablePointer<Int32>
        /// Spelling costs of the current token per lane.
        let spelling: UnsafeMutablePointer<Int32>
        /// Costs of the current token per lane (valid for the token's lanes).
        let token: UnsafeMutablePointer<Int32>
        /// The current token's symbols not yet looked up, after the ones they need as context.
        let symbols: UnsafeMutablePointer<UInt32>
        let symbolCapacity: Int
        /// Per symbol and n-gram length (`symbol * maxOrder + length - 1`): the n-gram's
        /// fingerprint and its bucket's bounds.
        let fingerprints: UnsafeMutablePointer<UInt32>
        let bucketStarts: UnsafeMutablePointer<UInt32>
        let bucketEnds: UnsafeMutablePointer<UInt32>
        /// Where the prefetching pass leaves what it read, so that its loads are not dropped.
        let sink: UnsafeMutablePointer<UInt32>

        /// `memory` must hold `byteCount(symbolCapacity:)` bytes, 4-byte aligned.
        init(_ memory: UnsafeMutableRawPointer, symbolCapacity: Int = defaultSymbolCapacity) {
            precondition(symbolCapacity > Self.maxOrder, "the buffer must hold an n-gram's context")
            let lookups = symbolCapacity * Self.maxOrder
            totals = memory.bindMemory(to: Int32.self, capacity: 3 * Self.lanes)
            spelling = totals + Self.lanes
            token = totals + 2 * Self.lanes
            let words = (memory + 12 * Self.lanes).bindMemory(
                to: UInt32.self, capacity: symbolCapacity + 3 * lookups + 1)
            symbols = words
            fingerprints = words + symbolCapacity
            bucketStarts = fingerprints + lookups
            bucketEnds = bucketStarts + lookups
            sink = bucketEnds + lookups
            self.symbolCapacity = symbolCapacity
            totals.initialize(repeating: 0, count: Self.lanes)
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
    /// Symbols in `scratch.symbols`; those before `firstPending` are context already scored.
    private var count = 0
    private var firstPending = 0
    /// Symbols of the token dropped from the front of the buffer to make room.
    private var dropped = 0
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
        points = 0
        guard lanes != 0 else { return }
        wordHash = ModelHash.start(ModelHash.wordSeed)
        scratch.spelling.update(repeating: 0, count: Scratch.lanes)
        count = 0
        firstPending = 0
        dropped = 0
        if hasBoundaries {
            push(Self.wordStart)
            // The start symbol is context for the n-grams after it, never scored itself.
            firstPending = 1
        }
    }

    @inline(__always)
    mutating func append(_ point: UInt32) {
        points &+= 1
        guard lanes != 0 else { return }
        wordHash = ModelHash.step(wordHash, point)
        push(point)
    }

    /// Finishes the token: `scratch.token` holds its cost in each of `lanes`.
    mutating func end() {
        guard lanes != 0 else { return }
        // Located before the n-grams are scored, so its cache lines arrive meanwhile.
        let wordHash = ModelHash.finish(wordHash)
        let wordBucket = words.bounds(wordHash)
        if hasBoundaries { push(Self.wordEnd) }
        scratch.sink.pointee = words.firstEntry(from: wordBucket.start)
        scorePending()
        var remaining = lanes
        while remaining != 0 {
            let lane = remaining.trailingZeroBitCount
            scratch.token[lane] = outOfVocabulary[lane] &+ scratch.spelling[lane]
            remaining &= remaining &- 1
        }
        let lanes = self.lanes
        let token = scratch.token
        let fingerprint = UInt32(truncatingIfNeeded: wordHash) & 0xFFFF
        words.forEachCost(fingerprint: fingerprint, from: wordBucket.start, to: wordBucket.end) { lane, cost in
            if lanes & 1 << lane != 0 { token[lane] = min(token[lane], cost) }
        }
    }

    @inline(__always)
    private mutating func push(_ symbol: UInt32) {
        if count == scratch.symbolCapacity { makeRoom() }
        scratch.symbols[count] = symbol
        count += 1
    }

    /// Scores the buffered symbols and keeps only the context the next ones need.
    private mutating func makeRoom() {
        scorePending()
        let kept = min(order - 1, count)
        // Forward, one by one: the source lies after the destination and may overlap it.
        for index in 0..<kept { scratch.symbols[index] = scratch.symbols[count - kept + index] }
        dropped += count - kept
        count = kept
        firstPending = kept
    }

    /// Adds the cost of each pending symbol given the ones before it, per language: the
    /// longest n-gram that language has, plus a penalty per order given up.
    private mutating func scorePending() {
        let first = firstPending
        let end = count
        guard first < end else { return }
        firstPending = end
        let symbols = scratch.symbols
        let fingerprints = scratch.fingerprints
        let starts = scratch.bucketStarts
        let ends = scratch.bucketEnds
        let stride = Scratch.maxOrder
        // Pass 1: hashes and buckets of every n-gram ending at a pending symbol, newest point
        // first so that one pass yields every order. (Wrapping arithmetic: every index here is
        // below `symbolCapacity * maxOrder`, and overflow checks cost a tenth of the loop.)
        for position in first..<end {
            let top = min(order, dropped &+ position &+ 1)
            var state = ModelHash.start(ModelHash.ngramSeed)
            var slot = position &* stride
            var symbol = symbols + position
            for _ in 0..<top {
                state = ModelHash.step(state, symbol.pointee)
                symbol -= 1
                let hash = ModelHash.finish(state)
                fingerprints[slot] = UInt32(truncatingIfNeeded: hash) & 0xFFFF
                (starts[slot], ends[slot]) = ngrams.bounds(hash)
                slot &+= 1
            }
        }
        // Pass 2: the first entry of every bucket, read without a branch on it, so that the
        // misses overlap and pass 3's branches find the entries in cache. (Reading them in
        // pass 1, right after their bucket, measured slower: each waited for its bucket.)
        var touched: UInt32 = 0
        for position in first..<end {
            let base = position &* stride
            for slot in base..<(base &+ min(order, dropped &+ position &+ 1)) {
                touched &+= ngrams.firstEntry(from: starts[slot])
            }
        }
        scratch.sink.pointee &+= touched
        // Pass 3: per language, the longest n-gram it has.
        let spelling = scratch.spelling
        for position in first..<end {
            let top = min(order, dropped &+ position &+ 1)
            var pending = lanes
            var slot = position &* stride &+ top &- 1
            var penalty: Int32 = 0
            for _ in 0..<top {
                ngrams.forEachCost(fingerprint: fingerprints[slot], from: starts[slot], to: ends[slot]) { lane, cost in
                    guard pending & 1 << lane != 0 else { return }
                    pending &= ~(1 << lane)
                    spelling[lane] &+= cost &+ penalty
                }
                if pending == 0 { break }
                slot &-= 1
                penalty &+= backoff
            }
            while pending != 0 {
                spelling[pending.trailingZeroBitCount] &+= unseen
                pending &= pending &- 1
            }
        }
    }
}
