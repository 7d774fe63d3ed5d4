import ArgumentParser
import ChorusLanguage
import Foundation

extension LangidEngine: ExpressibleByArgument {}

/// `chorus-bench langid`: the language tagger's accuracy (per language, per category, with no,
/// correct and wrong locale hints), calibration, `und` detection and speed, in process.
struct LangidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "langid",
        abstract: "Evaluate Chorus's language tagger on a short-text devset (evaluation only).")

    @Option(help: "Devset folder: <language>/{sentences,word-pairs,single-words}.txt")
    var devset = "../shared/langid-devset"

    @Option(help: "Items per language and category for the wrong-hint mean (costs one tag per other language).")
    var wrongHintSample = 200

    @Option(help: "Threads for the multi-thread speed figure (default: online CPUs).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print accuracy per language as well.")
    var perLanguage = false

    @Option(help: "Tagger: model (Chorus's language model) or cld2.")
    var engine = LangidEngine.model

    @Option(help: "Comma-separated languages the model may answer, and the devset languages evaluated (default: all).")
    var candidates: String?

    @Option(help: "A model file to use instead of the embedded model (scripts/langid/build-model.py --output).")
    var model: String?

    @Option(
        help: """
            Replace the model's locale-hint bonus (nats; tuned: 2.5) to see the trade-off: a larger \
            bonus gains with correct locales and loses with wrong ones. Not a production setting.
            """)
    var localeBonus: Double?

    @Option(
        help: """
            Also measure speed with this many KB of other memory read between texts (the caches a \
            busy daemon leaves the tagger; 0: off).
            """)
    var coldCacheKb = 0

    func run() throws {
        let all = try LangidDevset(path: devset)
        let chosen = candidates.map { $0.split(separator: ",").map(String.init) } ?? all.languages
        let data = all.restricted(to: chosen)
        let tagger = try engine.tagger(candidates: chosen, modelPath: model, localeBonusNats: localeBonus)
        let evaluation = LangidEvaluation(tagger: tagger, devset: data, wrongHintSample: wrongHintSample)
        let accuracy = evaluation.accuracy()
        var result: [String: Any] = [
            "scenario": "langid", "languages": data.languages.count, "engine": engine.rawValue,
        ]

        print("\(engine.rawValue) tagger on \(devset): \(data.languages.count) languages, macro accuracy %")
        print("hints".padding(toLength: 10, withPad: " ", startingAt: 0) + "  sentences  word-pairs  single-words")
        var macro: [String: [String: Double]] = [:]
        for mode in LangidEvaluation.HintMode.allCases {
            var row = mode.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            for category in LangidDevset.categories {
                let cells = accuracy[mode]?[category]?.values.filter { $0.total > 0 } ?? []
                let mean = cells.isEmpty ? 0 : cells.map(\.accuracy).reduce(0, +) / Double(cells.count)
                macro[mode.rawValue, default: [:]][category] = (mean * 1000).rounded() / 10
                row += String(format: "  %9.1f", mean * 100)
            }
            print(row)
        }
        result["macroAccuracyPercent"] = macro

        if perLanguage {
            for mode in [LangidEvaluation.HintMode.none, .correct] {
                print("\nper language, hints=\(mode.rawValue) (sentences / word-pairs / single-words %)")
                for language in data.languages {
                    let figures = LangidDevset.categories.map { category in
                        String(format: "%5.1f", (accuracy[mode]?[category]?[language]?.accuracy ?? 0) * 100)
                    }
                    print("  \(language)  " + figures.joined(separator: "  "))
                }
            }
        }

        let calibration = evaluation.calibration()
        print("\ncalibration, no hints: confidence bucket → share correct (items)")
        for bucket in calibration where bucket.total > 0 {
            print(
                String(
                    format: "  %.1f–%.1f  %5.1f %%  (%d)", Double(bucket.bucket) / 10, Double(bucket.bucket + 1) / 10,
                    Double(bucket.correct) * 100 / Double(bucket.total), bucket.total))
        }
        result["calibration"] = calibration.filter { $0.total > 0 }.map {
            [
                "bucket": Double($0.bucket) / 10, "correctPercent": Double($0.correct) * 100 / Double($0.total),
                "items": $0.total,
            ]
        }

        let undetermined = evaluation.undeterminedRate()
        let undPercent = Double(undetermined.und) * 100 / Double(undetermined.total)
        print(
            String(
                format: "\nno linguistic content tagged und: %.1f %% (%d of %d)", undPercent, undetermined.und,
                undetermined.total))
        result["undPercent"] = undPercent

        let wordPairs = evaluation.wordPairs
        let speed = evaluation.speed(wordPairs, threads: max(1, threads))
        print(
            String(
                format: "speed, word pairs, no hints: %.0f texts/s on 1 thread, %.0f on %d", speed.oneThread,
                speed.allThreads, threads))
        result["textsPerSecondOneThread"] = Int(speed.oneThread)
        result["textsPerSecondAllThreads"] = Int(speed.allThreads)
        // The ingest scenario's own lines: what the daemon tags per accepted message.
        let chatLines = ChatPhrasebook.mixed.map { String(decoding: $0, as: UTF8.self) }
        let chatSpeed = evaluation.speed(chatLines, threads: 1).oneThread
        print(
            String(
                format: "speed, ingest chat lines (%d, no hints): %.0f texts/s on 1 thread = %.2f us/line",
                chatLines.count, chatSpeed, 1e6 / max(chatSpeed, 1)))
        result["chatLinesPerSecondOneThread"] = Int(chatSpeed)
        if coldCacheKb > 0 {
            let cold = evaluation.coldSpeed(wordPairs, evictKB: coldCacheKb)
            print(
                String(
                    format: "speed, word pairs, %d KB read between texts: %.0f texts/s on 1 thread", coldCacheKb, cold))
            result["textsPerSecondColdCache"] = Int(cold)
            let coldChat = evaluation.coldSpeed(chatLines, evictKB: coldCacheKb)
            print(
                String(
                    format:
                        "speed, ingest chat lines, %d KB read between texts: %.0f texts/s on 1 thread = %.2f us/line",
                    coldCacheKb, coldChat, 1e6 / max(coldChat, 1)))
            result["chatLinesPerSecondColdCache"] = Int(coldChat)
        }

        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print("RESULT " + String(decoding: json, as: UTF8.self))
    }
}
