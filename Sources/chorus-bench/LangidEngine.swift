import ChorusCore
import ChorusLanguage
import Foundation

/// Which tagger `chorus-bench langid` measures, built from its options.
enum LangidEngine: String, CaseIterable {
    /// Chorus's own model (`ModelTagger`), embedded or from `--model`.
    case model
    /// The CLD2-based tagger (`CLD2Tagger`); it has no candidate restriction.
    case cld2

    func tagger(candidates: [String], modelPath: String?, localeBonusNats: Double?) throws(BenchError)
        -> any LanguageTagger
    {
        switch self {
        case .cld2:
            guard localeBonusNats == nil else {
                throw .invalidOption(name: "--locale-bonus", reason: "applies to the model engine only")
            }
            return CLD2Tagger()
        case .model:
            let model = try Self.model(path: modelPath, localeBonusNats: localeBonusNats)
            do {
                return try ModelTagger(model: model, candidates: candidates)
            } catch {
                throw .invalidOption(name: "--candidates", reason: "\(error)")
            }
        }
    }

    private static func model(path: String?, localeBonusNats: Double?) throws(BenchError) -> LanguageModel {
        if let path { return try loadModel(path, localeBonusNats: localeBonusNats) }
        guard let localeBonusNats else { return .embedded }
        do {
            return try LanguageModel.embedded(localeBonusNats: localeBonusNats)
        } catch {
            throw .invalidOption(name: "--locale-bonus", reason: "must be between 0 and 1000 nats")
        }
    }

    /// A model file (scripts/langid/build-model.py --output), for comparing a candidate model
    /// with the reference scorer without rebuilding. The bytes stay allocated for the process.
    private static func loadModel(_ path: String, localeBonusNats: Double?) throws(BenchError) -> LanguageModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidOption(name: "--model", reason: "cannot read \(path)")
        }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 64)
        data.copyBytes(to: bytes)
        do {
            return try LanguageModel(bytes: UnsafeRawBufferPointer(bytes), localeBonusNats: localeBonusNats)
        } catch {
            throw .invalidOption(name: "--model", reason: "\(path): \(error)")
        }
    }
}
