import ChorusCore
import Dispatch

/// Accuracy, calibration and speed of a `LanguageTagger` on the devset, in the three hint
/// situations a relay meets: no locale, the viewer's own locale, and someone else's.
struct LangidEvaluation {
    enum HintMode: String, CaseIterable {
        /// No locale declared.
        case none
        /// The viewer declared the text's own language (`pt-BR` for Portuguese).
        case correct
        /// Mean over every other language's locale: a viewer writing outside their locale.
        case wrong
        /// An `en-US` viewer writing another language (English items excluded).
        case englishViewer = "en-US"
    }

    struct Cell {
        var correct = 0
        var total = 0
        var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    let tagger: any LanguageTagger
    let devset: LangidDevset
    /// Items per language and category used for the `wrong` mode (it costs one tagging per
    /// other language per item).
    let wrongHintSample: Int

    /// mode → category → language → cell
    func accuracy() -> [HintMode: [String: [String: Cell]]] {
        var result: [HintMode: [String: [String: Cell]]] = [:]
        for mode in HintMode.allCases {
            for category in LangidDevset.categories {
                for language in devset.languages {
                    result[mode, default: [:]][category, default: [:]][language] = cell(mode, category, language)
                }
            }
        }
        return result
    }

    private func cell(_ mode: HintMode, _ category: String, _ language: String) -> Cell {
        var cell = Cell()
        let items = devset.items(category, language)
        switch mode {
        case .none, .correct, .englishViewer:
            if mode == .englishViewer, language == "en" { return cell }
            let hints: LanguageHints
            switch mode {
            case .none: hints = .none
            case .englishViewer: hints = LanguageHints(locale: "en-US", region: "US")
            default:
                let typical = TypicalLocale.locale(for: language)
                hints = LanguageHints(locale: typical.locale, region: typical.region)
            }
            for item in items where tagger.tag(item, hints: hints).language == language { cell.correct += 1 }
            cell.total = items.count
        case .wrong:
            for item in items.prefix(wrongHintSample) {
                for other in devset.languages where other != language {
                    let typical = TypicalLocale.locale(for: other)
                    let hints = LanguageHints(locale: typical.locale, region: typical.region)
                    if tagger.tag(item, hints: hints).language == language { cell.correct += 1 }
                    cell.total += 1
                }
            }
        }
        return cell
    }

    /// Share of correct answers per confidence decile (no hints, every category).
    func calibration() -> [(bucket: Int, correct: Int, total: Int)] {
        var buckets = [(correct: Int, total: Int)](repeating: (0, 0), count: 10)
        for category in LangidDevset.categories {
            for language in devset.languages {
                for item in devset.items(category, language) {
                    let tag = tagger.tag(item, hints: .none)
                    let bucket = min(9, max(0, Int(tag.confidence * 10)))
                    buckets[bucket].total += 1
                    if tag.language == language { buckets[bucket].correct += 1 }
                }
            }
        }
        return buckets.enumerated().map { ($0.offset, $0.element.correct, $0.element.total) }
    }

    /// Share of texts with no linguistic content tagged `und`.
    func undeterminedRate() -> (und: Int, total: Int) {
        let texts = NoContentTexts.all
        let und = texts.filter { tagger.tag($0, hints: .none).language == "und" }.count
        return (und, texts.count)
    }

    /// Every language's word pairs: the speed figures' usual texts.
    var wordPairs: [String] {
        devset.languages.flatMap { devset.items("word-pairs", $0) }
    }

    /// `texts` tagged per second on one thread and on `threads` threads (no hints).
    func speed(_ texts: [String], threads: Int, minimumSeconds: Double = 2) -> (oneThread: Double, allThreads: Double) {
        guard !texts.isEmpty else { return (0, 0) }
        func rate(_ workers: Int) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            var rounds = 0
            repeat {
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var sink = 0
                    for index in stride(from: worker, to: texts.count, by: workers) {
                        sink &+= tagger.tag(texts[index], hints: .none).language.utf8.count
                    }
                    precondition(sink >= 0)
                }
                rounds += 1
            } while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minimumSeconds
            return Double(texts.count * rounds) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (rate(1), rate(threads))
    }

    /// Texts per second on one thread, counting only the tagging, when `evictKB` of other
    /// memory is read between texts: in the daemon the model's tables share the cache with
    /// connections, batches and history, which the warm loop of `speed(threads:)` never shows.
    func coldSpeed(_ texts: [String], evictKB: Int, minimumSeconds: Double = 2) -> Double {
        guard !texts.isEmpty, evictKB > 0 else { return 0 }
        // 256 MB, far more than a last-level cache: the lines read are long gone from it.
        let lines = 256 * 1024 * 1024 / 64
        let memory = UnsafeMutablePointer<UInt64>.allocate(capacity: lines * 8)
        defer { memory.deallocate() }
        for line in 0..<lines { memory[line * 8] = UInt64(line) }
        let linesPerText = evictKB * 1024 / 64
        var cursor = 0
        var sink: UInt64 = 0
        var tagged = 0
        var taggingNanoseconds: UInt64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        repeat {
            for text in texts {
                for _ in 0..<linesPerText {
                    sink &+= memory[cursor * 8]
                    cursor = (cursor &+ 4099) & (lines - 1)
                }
                let before = DispatchTime.now().uptimeNanoseconds
                sink &+= UInt64(tagger.tag(text, hints: .none).language.utf8.count)
                taggingNanoseconds += DispatchTime.now().uptimeNanoseconds - before
                tagged += 1
            }
        } while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minimumSeconds
        precondition(sink != 1)
        return Double(tagged) / (Double(taggingNanoseconds) / 1e9)
    }
}

/// Chat with no language in it: what must come back `und`. Written for this tool; none of it
/// comes from the devset.
enum NoContentTexts {
    static let all: [String] = {
        let emoji = ["👍", "❤️❤️❤️", "😂😂", "🔥🔥🔥🔥", "🎁", "👏👏", "😍", "🙌", "💯", "🛒🛒", "😮", "🤣🤣🤣", "✨", "🥰", "👀"]
        let numbers = [
            "1", "22", "333", "100%", "2x", "+1", "10/10", "99.9", "#3", "$25", "€19,99", "1,000", "7", "42!", "0",
        ]
        let punctuation = [
            "!!!", "???", "...", "?!", ":)", ":(", ";-)", "<3", "^^", "+++", "!!1", "¿?", "¡!", "—", "***",
        ]
        let links = [
            "https://shop.example.com/p/123", "http://example.org", "www.example.com/deal", "https://t.co/abc123",
            "example.com", "https://example.com/?id=42&ref=live", "@host", "#sale", "@chorus_shop", "#live2026",
        ]
        var texts = emoji + numbers + punctuation + links
        for (first, second) in zip(emoji, numbers) { texts.append("\(first) \(second)") }
        for (first, second) in zip(punctuation, emoji) { texts.append("\(second)\(first)") }
        return texts
    }()
}
