internal import CChorusLangid

/// The language model: word and character n-gram costs per language, the character table the
/// tokenizer folds text with, and the scorer's tuned parameters.
///
/// Built by scripts/langid/build-model.py (format in docs/language-tagging.md) and linked into
/// the binary. Opening it reads the header and takes pointers into the bytes; nothing per word
/// or per n-gram is copied, so the embedded model is ready in microseconds.
///
/// `@unchecked Sendable`: the pointers reach bytes that are never written and that outlive the
/// model (static data for `embedded`, the caller's promise for `init(bytes:)`).
public final class LanguageModel: @unchecked Sendable {
    /// The model linked into this binary.
    public static let embedded: LanguageModel = {
        do {
            return try LanguageModel(bytes: embeddedBytes)
        } catch {
            // The blob is part of the build, so a bad one is a build bug, not a runtime event.
            preconditionFailure("embedded language model: \(error)")
        }
    }()

    /// The embedded model with another locale-hint bonus (see `init(bytes:localeBonusNats:)`).
    public static func embedded(localeBonusNats: Double) throws(LanguageModelError) -> LanguageModel {
        try LanguageModel(bytes: embeddedBytes, localeBonusNats: localeBonusNats)
    }

    /// The bytes of the embedded model: static data, valid for the life of the process.
    static var embeddedBytes: UnsafeRawBufferPointer {
        var size = 0
        let start = chorus_langid_model(&size)
        return UnsafeRawBufferPointer(start: start, count: size)
    }

    /// Model languages (ISO 639-1), in the order of the lanes of every cost vector.
    public let languages: [String]
    /// Per run class (`ModelScript.rawValue`): the languages written in it, as lane bits.
    let runLanguages: [UInt32]
    /// Languages with word and n-gram entries; the others are the only language of a script.
    let modelledLanguages: UInt32
    /// The cost of spelling a word the word table lacks, per lane (32 lanes, owned).
    let outOfVocabularyCosts: UnsafeMutablePointer<Int32>
    let parameters: ModelParameters
    let characters: CharacterTable
    let words: CostTable
    let ngrams: CostTable
    /// Language codes packed as `PackedSubtag` values, for matching hints without allocating.
    let packedCodes: [PackedSubtag]

    /// Opens a model in `bytes`, which must stay valid and unchanged for the model's lifetime.
    /// `localeBonusNats` replaces the tuned locale-hint bonus; only the bench uses it, to show
    /// what a stronger hint gains with correct locales and loses with wrong ones.
    public init(bytes: UnsafeRawBufferPointer, localeBonusNats: Double? = nil) throws(LanguageModelError) {
        let sections = try ModelSections(bytes)
        let languageSection = try sections.bytes(of: "LANG")
        guard languageSection.count % 16 == 0, (1...32).contains(languageSection.count / 16) else {
            throw .malformedSection("LANG")
        }
        var languages: [String] = []
        var scriptMasks: [UInt32] = []
        var outOfVocabulary = [Int32](repeating: 0, count: 32)
        var modelled: UInt32 = 0
        for index in 0..<languageSection.count / 16 {
            let record = UnsafeRawBufferPointer(rebasing: languageSection[(index * 16)..<(index * 16 + 16)])
            languages.append(String(decoding: record.prefix(8).prefix { $0 != 0 }, as: UTF8.self))
            scriptMasks.append(record.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            outOfVocabulary[index] = Int32(record.loadUnaligned(fromByteOffset: 12, as: UInt16.self))
            if record.loadUnaligned(fromByteOffset: 14, as: UInt16.self) & 1 != 0 { modelled |= 1 << index }
        }
        self.languages = languages
        self.packedCodes = languages.map { PackedSubtag($0) ?? PackedSubtag.none }
        self.modelledLanguages = modelled
        self.runLanguages = ModelScript.allCases.map { run in
            var lanes: UInt32 = 0
            for (index, mask) in scriptMasks.enumerated() where mask & run.scriptsOfRun != 0 {
                lanes |= 1 << index
            }
            return lanes
        }
        var parameters = try ModelParameters(sections.bytes(of: "PARM"))
        if let localeBonusNats {
            guard localeBonusNats.isFinite, (0...1000).contains(localeBonusNats) else {
                throw .invalidParameter("localeBonusNats", localeBonusNats)
            }
            parameters.localeBonus = Int32((localeBonusNats * Double(parameters.unit)).rounded())
        }
        self.parameters = parameters
        characters = try CharacterTable(
            pageIndex: sections.bytes(of: "CPAG"), pages: sections.bytes(of: "CHRS"),
            seconds: sections.bytes(of: "CSEC"))
        words = try CostTable(buckets: sections.bytes(of: "WBKT"), entries: sections.bytes(of: "WENT"), name: "W")
        ngrams = try CostTable(buckets: sections.bytes(of: "NBKT"), entries: sections.bytes(of: "NENT"), name: "N")
        // Allocated last, once nothing can throw: a class whose init throws never runs deinit.
        outOfVocabularyCosts = .allocate(capacity: 32)
        outOfVocabularyCosts.initialize(from: outOfVocabulary, count: 32)
    }

    deinit {
        outOfVocabularyCosts.deallocate()
    }

    /// The lane of `code`, if the model has that language.
    func lane(of code: PackedSubtag) -> Int? {
        packedCodes.firstIndex(of: code)
    }
}

/// The section directory at the start of a model file.
private struct ModelSections {
    private static let magic: [UInt8] = Array("CHLANGID".utf8)
    private static let version: UInt32 = 1

    let bytes: UnsafeRawBufferPointer
    private var directory: [(tag: String, range: Range<Int>)] = []

    init(_ bytes: UnsafeRawBufferPointer) throws(LanguageModelError) {
        self.bytes = bytes
        guard bytes.count >= 16, bytes.prefix(8).elementsEqual(Self.magic) else { throw .notAModel }
        guard let base = bytes.baseAddress, Int(bitPattern: base) % 8 == 0 else { throw .misaligned }
        let version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let count = Int(bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        guard 16 + count * 12 <= bytes.count else { throw .malformedSection("header") }
        for index in 0..<count {
            let base = 16 + index * 12
            let tag = String(decoding: bytes[base..<(base + 4)], as: UTF8.self)
            let offset = Int(bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self))
            let length = Int(bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt32.self))
            guard offset % 8 == 0, offset + length <= bytes.count else { throw .missingSection(tag) }
            directory.append((tag, offset..<(offset + length)))
        }
    }

    func bytes(of tag: String) throws(LanguageModelError) -> UnsafeRawBufferPointer {
        guard let range = directory.first(where: { $0.tag == tag })?.range else { throw .missingSection(tag) }
        return UnsafeRawBufferPointer(rebasing: bytes[range])
    }
}
