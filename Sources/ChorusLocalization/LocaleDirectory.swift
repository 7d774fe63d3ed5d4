public import ChorusCore
import Foundation

/// Reads `Locales/*.json` into a `NoticeCatalog` (at start-up and on SIGHUP). Each file's
/// plural forms must be exactly the categories ICU gives its language, so a file cannot
/// silently miss "few" in Russian.
public enum LocaleDirectory {
    /// Where the daemon looks when `locales.directory` is not set: the working directory's
    /// `Locales`, then, for each of the executable's first four ancestor directories (of the
    /// path it was started by and of its real path), `share/chorus/Locales` (an install under
    /// a prefix) and `Locales` (a checkout, the binary under `.build/…`), then
    /// `/usr/share/chorus/Locales`. The loader takes the first that holds `en.json`.
    public static func defaultCandidates(executable: String) -> [String] {
        var candidates = ["Locales"]
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? executable
        for path in [executable, real] where path.contains("/") {
            var directory = parent(of: path)
            for _ in 0..<4 {
                directory = parent(of: directory)
                guard !directory.isEmpty else { break }
                candidates.append(directory + "/share/chorus/Locales")
                candidates.append(directory + "/Locales")
            }
        }
        candidates.append("/usr/share/chorus/Locales")
        return candidates
    }

    /// `path` without its last component: `a/b/c` → `a/b`, `/usr` → `/`, `.` and `/` → empty.
    /// (Foundation's `deletingLastPathComponent` crashed on `./.build/debug/chorusd`.)
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed != "/", let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    public static func load(_ directory: String, rules: ICUPluralRules) throws(LocaleFileError) -> NoticeCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
        } catch {
            throw LocaleFileError(tag: "*", reason: "cannot list \(directory): \(error.localizedDescription)")
        }
        var locales: [LocaleMessages] = []
        for name in names.sorted() {
            let tag = String(name.dropLast(".json".count))
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw LocaleFileError(tag: tag, reason: "cannot read \(directory)/\(name)")
            }
            let messages = try LocaleMessages(tag: tag, bytes: Array(data))
            try checkPlurals(messages, rules: rules)
            locales.append(messages)
        }
        return try NoticeCatalog(locales)
    }

    static func checkPlurals(_ messages: LocaleMessages, rules: ICUPluralRules) throws(LocaleFileError) {
        let wanted = try rules.categories(locale: messages.tag)
        for (key, template) in messages.notices {
            guard case .plural(let forms) = template, Set(forms.keys) != wanted else { continue }
            throw LocaleFileError(
                tag: messages.tag,
                reason: "\(key) has forms \(forms.keys.map(\.rawValue).sorted()), the language has "
                    + "\(wanted.map(\.rawValue).sorted())")
        }
    }
}
