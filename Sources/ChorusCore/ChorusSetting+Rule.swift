extension ChorusSetting {
    /// What a setting accepts: README's words for it and the check `validate` runs, which
    /// names the failure (a list names the offending item).
    public struct Rule<Value>: Sendable {
        public let accepts: String
        let failure: @Sendable (Value, ChorusConfig) -> String?

        init(accepts: String, failure: @escaping @Sendable (Value, ChorusConfig) -> String?) {
            self.accepts = accepts
            self.failure = failure
        }

        /// Anything the type allows.
        static var any: Self { Self(accepts: "") { _, _ in nil } }
    }
}

extension ChorusSetting.Rule where Value == Int {
    static func within(_ range: ClosedRange<Int>) -> Self {
        let text = "\(range.lowerBound)...\(range.upperBound)"
        return Self(accepts: text) { value, _ in range.contains(value) ? nil : "must be in \(text)" }
    }

    static func atLeast(_ minimum: Int) -> Self {
        Self(accepts: "≥ \(minimum)") { value, _ in
            guard value < minimum else { return nil }
            return minimum == 0 ? "must not be negative" : "must be at least \(minimum)"
        }
    }

    /// 0 turns the feature off; anything else must be in `range`.
    static func zeroOr(_ range: ClosedRange<Int>) -> Self {
        let text = "\(range.lowerBound)...\(range.upperBound)"
        return Self(accepts: "0 or \(text)") { value, _ in
            value == 0 || range.contains(value) ? nil : "must be 0 or in \(text)"
        }
    }

    /// A range whose lower bound is another setting's value.
    static func within(from key: String, _ lower: @escaping @Sendable (ChorusConfig) -> Int, to upper: Int) -> Self {
        Self(accepts: "\(key)...\(upper)") { value, config in
            value >= lower(config) && value <= upper ? nil : "must be in \(key)...\(upper)"
        }
    }
}

extension ChorusSetting.Rule where Value == String {
    static var notEmpty: Self {
        Self(accepts: "not empty") { value, _ in value.isEmpty ? "must not be empty" : nil }
    }

    static func oneOf(_ names: [String]) -> Self {
        let text = names.joined(separator: ", ")
        return Self(accepts: text) { value, _ in names.contains(value) ? nil : "must be one of \(text)" }
    }

    /// Both of a pair of settings, or neither (a certificate without its key, say).
    static func setTogether(with key: String, _ other: @escaping @Sendable (ChorusConfig) -> String) -> Self {
        Self(accepts: "a path, set together with `\(key)`") { value, config in
            value.isEmpty == other(config).isEmpty ? nil : "must be set together with \(key)"
        }
    }

    static func atLeastBytes(_ count: Int) -> Self {
        Self(accepts: "≥ \(count) bytes") { value, _ in
            value.utf8.count >= count ? nil : "must be at least \(count) bytes"
        }
    }
}
