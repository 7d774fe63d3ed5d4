/// A viewer's chat language filter from the `langs` query parameter.
///
/// `all` (or nothing) passes every message; `mine` keeps chat in the viewer's own locale
/// language plus `und` (emoji, numbers: everyone reads those); a comma-separated list names
/// languages outright. Non-chat interactions always pass (docs/protocol.md).
public enum ViewerLanguages {
    /// The filter's languages, sorted (empty: no filter); nil when the parameter is invalid.
    public static func parse(_ parameter: String?, author: Author) -> [String]? {
        guard let parameter, !parameter.isEmpty, parameter != "all" else { return [] }
        if parameter == "mine" {
            let own = author.declaredLanguage
            return own == "und" ? [] : [own, "und"].sorted()
        }
        let codes = parameter.split(separator: ",", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard codes.count <= 64, codes.allSatisfy({ LanguageCode.isValid($0) }) else { return nil }
        return Array(Set(codes)).sorted()
    }
}
