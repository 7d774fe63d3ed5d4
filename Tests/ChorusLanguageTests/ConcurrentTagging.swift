import ChorusCore
import Testing

/// Checks that a tagger gives every job the same answer from eight concurrent tasks as it
/// gives serially: taggers run on every service thread at once and must share no state.
enum ConcurrentTagging {
    static func expectSameAnswers(_ tagger: any LanguageTagger, texts: [String], hints: [LanguageHints]) async {
        let jobs = hints.flatMap { hint in texts.map { (text: $0, hints: hint) } }
        let serial = jobs.map { tagger.tag($0.text, hints: $0.hints) }
        let concurrent = await withTaskGroup(of: (Int, LanguageTag).self) { group in
            for _ in 0..<8 {
                for (index, job) in jobs.enumerated() {
                    group.addTask { (index, tagger.tag(job.text, hints: job.hints)) }
                }
            }
            var results: [Int: [LanguageTag]] = [:]
            for await (index, tag) in group { results[index, default: []].append(tag) }
            return results
        }
        for (index, expected) in serial.enumerated() {
            #expect(concurrent[index]?.count == 8)
            #expect(concurrent[index]?.allSatisfy { $0 == expected } == true, "\(jobs[index])")
        }
    }
}
