import ChorusCore
import ChorusLanguage
import Foundation

/// Which tagger `chorus-bench langid` measures, built from its options.
enum LangidEngine: String, CaseIterable {
    /// Chorus's own model (`ModelTagger`), embedded or from `--model`.
    case model
    /// The CLD2-based tagger (`CLD2Tagger`); it has no candidate restriction.
    case cld2

    func tagger(candidates: [String], modelPath: String?) throws(BenchError) -> any LanguageTagger {
        switch self {
        case .cld2:
            return CLD2Tagger()
        case .model:
            let model = try modelPath.map { path throws(BenchError) in try Self.loadModel(path) } ?? .embedded
            do {
                return try ModelTagger(model: model, candidates: candidates)
            } catch {
                throw .invalidOption(name: "--candidates", reason: "\(error)")
            }
        }
    }

    /// A model file (scripts/langid/build-model.py --output), for comparing a candidate model
    /// with the reference scorer without rebuilding. The bytes stay allocated for the process.
    private static func loadModel(_ path: String) throws(BenchError) -> LanguageModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidOption(name: "--model", reason: "cannot read \(path)")
        }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 64)
        data.copyBytes(to: bytes)
        do {
            return try LanguageModel(bytes: UnsafeRawBufferPointer(bytes))
        } catch {
            throw .invalidOption(name: "--model", reason: "\(path): \(error)")
        }
    }
}
