extension ChorusConfig {
    /// Applies a config file's object: nested objects name sections, unknown keys are errors
    /// so that a typo never silently leaves a default in place.
    public mutating func apply(_ document: JSONValue, prefix: String = "") throws(ConfigError) {
        guard case .object(let members) = document else {
            throw ConfigError(key: prefix.isEmpty ? "(file)" : prefix, reason: "must be an object")
        }
        for (name, value) in members.uniqueSortedMembers {
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            if case .object = value, Self.settingsByKey[key] == nil {
                try apply(value, prefix: key)
            } else {
                try set(key, value)
            }
        }
    }

    /// Sets one key from a JSON value.
    public mutating func set(_ key: String, _ value: JSONValue) throws(ConfigError) {
        try Self.setting(key).decode(&self, value)
    }

    /// Sets one key from text (environment or `--set key=value`): numbers, booleans and
    /// comma-separated lists are recognised by the key's type.
    public mutating func set(_ key: String, text: String) throws(ConfigError) {
        let setting = try Self.setting(key)
        try setting.decode(&self, setting.fromText(text))
    }

    /// Applies every `CHORUS_*` variable that names a setting (`ChorusSetting.environmentName`);
    /// others are left to the caller (`CHORUS_LISTEN`) or belong to someone else.
    public mutating func apply(environment: [String: String]) throws(ConfigError) {
        for setting in Self.settings {
            if let text = environment[setting.environmentName] { try set(setting.key, text: text) }
        }
    }

    static func setting(_ key: String) throws(ConfigError) -> ChorusSetting {
        guard let setting = settingsByKey[key] else { throw ConfigError(key: key, reason: "is not a known setting") }
        return setting
    }
}
