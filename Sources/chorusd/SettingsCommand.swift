import ArgumentParser
import ChorusCore
import Foundation

/// `chorusd settings`: every setting with its environment variable and default, from the
/// same table the daemon parses with; `--markdown` and `--update-readme` produce README's.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "List every setting, its environment variable and default.")

    @Flag(help: "Print README's configuration table (Markdown).")
    var markdown = false

    @Option(name: .customLong("update-readme"), help: "Rewrite the configuration table in this README in place.")
    var readme: String?

    func run() throws {
        if let readme {
            guard let text = try? String(contentsOfFile: readme, encoding: .utf8),
                let updated = ChorusConfig.replacingSettingsTable(in: text)
            else {
                throw ValidationError("\(readme) has no generated settings table (\(ChorusConfig.settingsTableStart))")
            }
            try updated.write(toFile: readme, atomically: true, encoding: .utf8)
        } else if markdown {
            print(ChorusConfig.settingsMarkdown, terminator: "")
        } else {
            for setting in ChorusConfig.settings {
                print("\(setting.key)\t\(setting.environmentName)\t\(setting.defaultText)")
            }
        }
    }
}
