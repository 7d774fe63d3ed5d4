public import ChorusCore
import Foundation

/// Reads `Locales/*.json` into a `NoticeCatalog` (at start-up and on SIGHUP). Each file's
/// plural forms must be exactly the categories ICU gives its language, so a file cannot
/// silently miss "few" in Russian.
public enum LocaleDirectory {
    /// Where the daemon looks when `locales.directory` is not set: the working directory's
    /// `Locales` (a checkout), `share/chorus/Locales` beside the executable's `bin` (an
    /// install under a prefix), the checkout above `.build/<config>/` (`swift run`), then
    /// `/usr/share/chorus/Locales`. Paths are cut lexically, from both the invoked path and
    /// the real one, because `.build/debug` is a symbolic link.
    public static func defaultCandidates(executable: String) -> [String] {
        var candidates = ["Locales"]
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? executable
        for path in [executable, real] where path.hasPrefix("/") || path.contains("/") {
            let bin = (path as NSString).deletingLastPathComponent
            let prefix = (bin as NSString).deletingLastPathComponent
            candidates.append(prefix + "/share/chorus/Locales")
            candidates.append((prefix as NSString).deletingLastPathComponent + "/Locales")  // .build/<config>/x
            candidates.append(prefix + "/Locales")
        }
        candidates.append("/usr/share/chorus/Locales")
        return candidates
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
