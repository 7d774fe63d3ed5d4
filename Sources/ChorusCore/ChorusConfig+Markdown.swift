/// README's configuration table, generated from `settings` so that it cannot drift from what
/// the daemon accepts; a unit test compares the two and `chorusd settings --update-readme`
/// rewrites it.
extension ChorusConfig {
    /// The lines around the generated table in README.md.
    public static let settingsTableStart =
        "<!-- generated from ChorusConfig.settings: edit those and run `chorusd settings --update-readme README.md` -->"
    public static let settingsTableEnd = "<!-- end of generated settings table -->"

    /// One row per setting, in table order.
    public static var settingsMarkdown: String {
        var lines = ["| key | default | accepts | on SIGHUP | meaning |", "|---|---|---|---|---|"]
        for setting in settings {
            let value = setting.render(ChorusConfig()).map { "`\($0)`" } ?? "none"
            let cells = ["`\(setting.key)`", value, setting.accepts, reloadText(setting.reload), setting.meaning]
            lines.append("| " + cells.map(escaped).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The generated table as `document` holds it, nil without both marker lines.
    public static func settingsTable(in document: String) -> String? {
        guard let range = settingsTableRange(in: document) else { return nil }
        return String(document[range])
    }

    /// `document` with its generated table replaced by today's, nil without both marker lines.
    public static func replacingSettingsTable(in document: String) -> String? {
        guard let range = settingsTableRange(in: document) else { return nil }
        var replaced = document
        replaced.replaceSubrange(range, with: settingsMarkdown)
        return replaced
    }

    /// From the line after the start marker to the start of the end marker's line.
    private static func settingsTableRange(in document: String) -> Range<String.Index>? {
        guard let start = document.firstRange(of: settingsTableStart + "\n"),
            let end = document[start.upperBound...].firstRange(of: settingsTableEnd)
        else { return nil }
        return start.upperBound..<end.lowerBound
    }

    /// README's column for `ChorusSetting.reload`.
    private static func reloadText(_ reload: ChorusSetting.Reload) -> String {
        switch reload {
        case .atRunTime: "applied"
        case .atRestartOnly: "restart"
        }
    }

    /// A `|` inside a cell would end it.
    private static func escaped(_ cell: String) -> String {
        cell.replacing("|", with: "\\|")
    }
}
