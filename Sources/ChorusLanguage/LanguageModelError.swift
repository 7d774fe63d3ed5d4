/// Why a language model or a tagger over it could not be set up.
public enum LanguageModelError: Error, Equatable, Sendable {
    /// The bytes do not start with the model's magic number.
    case notAModel
    /// The bytes do not start on an 8-byte boundary; the tables are read in place.
    case misaligned
    /// The file was written by a builder this scorer does not understand.
    case unsupportedVersion(UInt32)
    /// A section the scorer needs is absent or runs past the end of the bytes.
    case missingSection(String)
    /// A section is present but its contents are inconsistent.
    case malformedSection(String)
    /// A runtime parameter the scorer needs is absent.
    case missingParameter(String)
    /// A parameter override outside its range (name, value).
    case invalidParameter(String, Double)
    /// A candidate language the model has no data for.
    case unsupportedLanguage(String)
    /// The candidate list was empty.
    case noCandidates
}
