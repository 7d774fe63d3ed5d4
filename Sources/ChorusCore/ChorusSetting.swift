/// One configuration key: how a config file, an environment variable or `--set` writes it,
/// what it accepts and what it means. `ChorusConfig.settings` lists every one; parsing,
/// validation, environment names and README's table are derived from that list, so a new
/// setting is its field (with its default and why) plus one entry there.
public struct ChorusSetting: Sendable {
    /// As written in config files and `--set`: `batch.maxDelayMs`.
    public let key: String
    /// The values accepted, in the words validation messages use (`1...3600`); empty: any.
    public let accepts: String
    /// README's explanation (Markdown).
    public let meaning: String
    /// Whether SIGHUP applies a new value to the running daemon or only a restart does.
    public let reload: Reload
    /// Never written to logs (`console.secret`): a reload says that it changed, not to what.
    public var isSecret = false
    /// Writes a config file's value into the tree, refusing one of the wrong type.
    let decode: @Sendable (inout ChorusConfig, JSONValue) throws(ConfigError) -> Void
    /// Reads an environment variable's or `--set`'s text as the JSON a file would hold.
    let fromText: @Sendable (String) -> JSONValue
    /// Why the tree's value is out of range (`validate`), nil when it is fine.
    let failure: @Sendable (ChorusConfig) -> String?
    /// The tree's value as README shows it, nil when there is none (an unset secret).
    let render: @Sendable (ChorusConfig) -> String?
    /// Whether two trees hold the same value here (`ConfigReload`).
    let isSame: @Sendable (ChorusConfig, ChorusConfig) -> Bool
    /// Copies this setting's value from the second tree into the first (`ConfigReload`).
    let transfer: @Sendable (inout ChorusConfig, ChorusConfig) -> Void

    /// When a changed value takes effect: the settings the transport and the hub read at run
    /// time reload on SIGHUP; those that shaped sockets, threads, files or memory laid out at
    /// start (the listening address, the service threads, the storage engine) need a restart,
    /// and a reload keeps their old value (and says so).
    public enum Reload: String, Sendable {
        case atRunTime
        case atRestartOnly
    }

    /// The environment variable: `CHORUS_` and the key in upper snake case, an acronym as
    /// one word (`limits.maxConnectionsPerIP` → `CHORUS_LIMITS_MAX_CONNECTIONS_PER_IP`).
    public var environmentName: String {
        var name = "CHORUS_"
        var previous: Character = "."
        for character in key {
            if character == "." {
                name.append("_")
            } else if character.isUppercase {
                if !previous.isUppercase { name.append("_") }
                name.append(character)
            } else {
                name.append(contentsOf: character.uppercased())
            }
            previous = character
        }
        return name
    }

    /// The default as README shows it.
    public var defaultText: String {
        render(ChorusConfig()) ?? "none"
    }
}
