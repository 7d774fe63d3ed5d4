/// One builder per kind of value: each knows how a file and a text write it, how README shows
/// it and how a reload compares and copies it, so a table entry names only its key, whether
/// SIGHUP applies it, its field, rule and meaning.
extension ChorusSetting {
    typealias Field<Value> = WritableKeyPath<ChorusConfig, Value> & Sendable

    static func integer(
        _ key: String, _ reload: Reload, _ field: any Field<Int>, _ rule: Rule<Int>, _ meaning: String
    ) -> Self {
        Self(
            key: key, accepts: rule.accepts, meaning: meaning, reload: reload,
            decode: { config, value throws(ConfigError) in
                guard let number = value.integerValue else { throw ConfigError(key: key, reason: "must be an integer") }
                config[keyPath: field] = Int(number)
            },
            fromText: { text in Int(text).map { .number(Double($0)) } ?? .string(text) },
            failure: { config in rule.failure(config[keyPath: field], config) },
            render: { config in "\(config[keyPath: field])" },
            isSame: same(field), transfer: copy(field))
    }

    /// `true`/`false` in files; also `1`/`0` and `yes`/`no` in text.
    static func boolean(_ key: String, _ reload: Reload, _ field: any Field<Bool>, _ meaning: String) -> Self {
        Self(
            key: key, accepts: "true, false", meaning: meaning, reload: reload,
            decode: { config, value throws(ConfigError) in
                guard case .bool(let flag) = value else { throw ConfigError(key: key, reason: "must be true or false") }
                config[keyPath: field] = flag
            },
            fromText: { text in
                let flags = ["true": true, "1": true, "yes": true, "false": false, "0": false, "no": false]
                return flags[text].map { .bool($0) } ?? .string(text)
            },
            failure: { _ in nil },
            render: { config in "\(config[keyPath: field])" },
            isSame: same(field), transfer: copy(field))
    }

    static func string(
        _ key: String, _ reload: Reload, _ field: any Field<String>, _ rule: Rule<String>, _ meaning: String
    ) -> Self {
        Self(
            key: key, accepts: rule.accepts, meaning: meaning, reload: reload,
            decode: { config, value throws(ConfigError) in config[keyPath: field] = try text(value, key) },
            fromText: { text in .string(text) },
            failure: { config in rule.failure(config[keyPath: field], config) },
            render: { config in quoted(config[keyPath: field]) },
            isSame: same(field), transfer: copy(field))
    }

    /// A string that may be absent: `null` in a file.
    static func optionalString(
        _ key: String, _ reload: Reload, _ field: any Field<String?>, _ rule: Rule<String>, _ meaning: String
    ) -> Self {
        Self(
            key: key, accepts: rule.accepts, meaning: meaning, reload: reload,
            decode: { config, value throws(ConfigError) in
                config[keyPath: field] = value == .null ? nil : try text(value, key)
            },
            fromText: { text in .string(text) },
            failure: { config in config[keyPath: field].flatMap { rule.failure($0, config) } },
            render: { config in config[keyPath: field].map(quoted) },
            isSame: same(field), transfer: copy(field))
    }

    /// An array of strings in files; comma-separated in text. `shown` is how an item appears in
    /// logs and listings (a URL's password is hidden).
    static func strings(
        _ key: String, _ reload: Reload, _ field: any Field<[String]>, _ rule: Rule<[String]>, _ meaning: String,
        shown: @escaping @Sendable (String) -> String = { $0 }
    ) -> Self {
        Self(
            key: key, accepts: rule.accepts, meaning: meaning, reload: reload,
            decode: { config, value throws(ConfigError) in
                guard case .array(let items) = value else { throw ConfigError(key: key, reason: "must be an array") }
                var texts: [String] = []
                for item in items {
                    guard let text = item.stringValue else { throw ConfigError(key: key, reason: "must hold strings") }
                    texts.append(text)
                }
                config[keyPath: field] = texts
            },
            fromText: { text in .array(text.split(separator: ",").map { .string(String($0)) }) },
            failure: { config in rule.failure(config[keyPath: field], config) },
            render: { config in "[" + config[keyPath: field].map { "\"\(shown($0))\"" }.joined(separator: ", ") + "]" },
            isSame: same(field), transfer: copy(field))
    }

    /// One of a few names, listed in the order messages and README give them.
    static func choice<Choice: RawRepresentable<String> & Equatable & Sendable>(
        _ key: String, _ reload: Reload, _ field: any Field<Choice>, _ choices: [Choice], _ meaning: String
    ) -> Self {
        let names = choices.map(\.rawValue)
        let either = names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
        return Self(
            key: key, accepts: names.joined(separator: ", "), meaning: meaning, reload: reload,
            decode: { config, value throws(ConfigError) in
                guard let name = value.stringValue, let choice = Choice(rawValue: name) else {
                    throw ConfigError(key: key, reason: "must be \(either)")
                }
                config[keyPath: field] = choice
            },
            fromText: { text in .string(text) },
            failure: { _ in nil },
            render: { config in config[keyPath: field].rawValue },
            isSame: same(field), transfer: copy(field))
    }

    /// A string that may be absent and is never logged: `console.secret`.
    static func secret(
        _ key: String, _ reload: Reload, _ field: any Field<String?>, _ rule: Rule<String>, _ meaning: String
    ) -> Self {
        var setting = optionalString(key, reload, field, rule, meaning)
        setting.isSecret = true
        return setting
    }

    private static func same<Value: Equatable & Sendable>(_ field: any Field<Value>)
        -> @Sendable (ChorusConfig, ChorusConfig)
        -> Bool
    {
        { first, second in first[keyPath: field] == second[keyPath: field] }
    }

    private static func copy<Value: Sendable>(_ field: any Field<Value>)
        -> @Sendable (inout ChorusConfig, ChorusConfig) -> Void
    {
        { target, source in target[keyPath: field] = source[keyPath: field] }
    }

    private static func text(_ value: JSONValue, _ key: String) throws(ConfigError) -> String {
        guard let text = value.stringValue else { throw ConfigError(key: key, reason: "must be a string") }
        return text
    }

    /// Plain unless empty, so an empty default still shows.
    private static func quoted(_ text: String) -> String {
        text.isEmpty ? "\"\"" : text
    }
}
