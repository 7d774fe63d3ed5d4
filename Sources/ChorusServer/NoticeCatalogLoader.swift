import ChorusCore
import ChorusLocalization
public import ChorusTransport
import Foundation
public import Logging

/// Loads `Locales/` into the relay at start-up and again on SIGHUP. A reload that fails keeps
/// the catalog in use, so a bad edit never silences notices; connections are not touched.
public final class NoticeCatalogLoader {
    private let directory: String?
    private let rules = ICUPluralRules()
    private let logger: Logger

    /// `configured`: `locales.directory`; empty means the first of the default places that
    /// exists (`LocaleDirectory.defaultCandidates`).
    public init(configured: String, executable: String, logger: Logger) {
        self.logger = logger
        if !configured.isEmpty {
            directory = configured
        } else {
            directory = LocaleDirectory.defaultCandidates(executable: executable).first { path in
                FileManager.default.fileExists(atPath: path + "/en.json")
            }
        }
    }

    /// Reads the files and installs them. False (logged) when they cannot be used.
    @discardableResult
    public func load(into relay: RelayServer, reason: String) -> Bool {
        guard let directory else {
            logger.warning(
                "no Locales directory found: notices carry their codes only (set locales.directory)",
                metadata: ["reason": "\(reason)"])
            return false
        }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let catalog = try LocaleDirectory.load(directory, rules: rules)
            relay.installNotices(catalog, rules: rules)
            logger.notice(
                "locales loaded",
                metadata: [
                    "reason": "\(reason)", "directory": "\(directory)", "locales": "\(catalog.locales.count)",
                    "seconds":
                        "\(String(format: "%.3f", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))",
                ])
            return true
        } catch {
            logger.error(
                "cannot load locales; keeping the ones in use",
                metadata: ["reason": "\(reason)", "directory": "\(directory)", "error": "\(error)"])
            return false
        }
    }
}
