/// What SIGHUP makes of a configuration read again: compared with the one in force, setting
/// by setting (`ChorusConfig.settings`), the new values of the settings that can change at run
/// time are taken and those that need a restart keep their old value. Pure: the executable
/// reads the sources and logs the outcome, the relay applies `applied`.
public struct ConfigReload: Sendable, Equatable {
    /// One setting whose value differs between the two trees, its values as README shows them.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public let key: String
        public let old: String
        public let new: String
        /// A secret's values are never shown (`ChorusSetting.isSecret`): only that it changed.
        public let isSecret: Bool

        init(_ setting: ChorusSetting, old: ChorusConfig, new: ChorusConfig) {
            key = setting.key
            isSecret = setting.isSecret
            self.old = isSecret ? "(hidden)" : setting.render(old) ?? "none"
            self.new = isSecret ? "(hidden)" : setting.render(new) ?? "none"
        }

        public var description: String { isSecret ? "\(key) changed" : "\(key) \(old)→\(new)" }
    }

    /// What to run with from now on: the new values of `changed`, the old ones of `refused`.
    public let applied: ChorusConfig
    /// Settings whose new values are now in force, in table order.
    public let changed: [Change]
    /// Settings whose new values need a restart: their old values are kept.
    public let refused: [Change]

    /// Throws, so that nothing changes, when the tree to run with is not valid (`validate`);
    /// `new` is expected to be validated already, this guards the mix of old and new.
    public init(from old: ChorusConfig, to new: ChorusConfig) throws(ConfigError) {
        var applied = old
        var changed: [Change] = []
        var refused: [Change] = []
        for setting in ChorusConfig.settings where !setting.isSame(old, new) {
            let change = Change(setting, old: old, new: new)
            switch setting.reload {
            case .atRunTime:
                setting.transfer(&applied, new)
                changed.append(change)
            case .atRestartOnly:
                refused.append(change)
            }
        }
        try applied.validate()
        self.applied = applied
        self.changed = changed
        self.refused = refused
    }

    /// The one log line of a reload: `reloaded: limits.maxChatChars 500→20, …`, or
    /// `no settings changed`. `alsoChanged` names what changed outside the settings table
    /// (a console secret read again from its file).
    public func summary(alsoChanged: [String] = []) -> String {
        let changes = changed.map(\.description) + alsoChanged
        return changes.isEmpty ? "no settings changed" : "reloaded: " + changes.joined(separator: ", ")
    }

    /// One log line per refused setting, naming the value kept.
    public var refusals: [String] {
        refused.map { change in
            change.isSecret
                ? "refused at reload: \(change.key) needs a restart (kept the one in use)"
                : "refused at reload: \(change.key) needs a restart (kept \(change.old), not \(change.new))"
        }
    }
}
