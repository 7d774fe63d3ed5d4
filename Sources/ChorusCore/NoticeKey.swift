/// Every notice the server can put in front of a person, by its stable code (the key in the
/// locale files, sent as `"notice"` next to the localized `"text"`). Adding a case fails the
/// locale tests until every file in `Locales/` has it.
public enum NoticeKey: String, CaseIterable, Sendable {
    case welcome
    case rateLimited = "rate_limited"
    case slowModeOn = "slow_mode_on"
    case slowModeOff = "slow_mode_off"
    case slowModeWait = "slow_mode_wait"
    case messageTooLong = "message_too_long"
    case invalidMessage = "invalid_message"
    case missed
    case historyGap = "history_gap"
    case roomEnded = "room_ended"
    case roomNotFound = "room_not_found"
    case serverRestarting = "server_restarting"
    case reconnecting
    case muted
    case connectionTooSlow = "connection_too_slow"
    case disconnectedForFlooding = "disconnected_for_flooding"
    case chatFull = "chat_full"
    case tooManyConnections = "too_many_connections"
    case forbidden
}

/// CLDR plural categories.
public enum PluralCategory: String, CaseIterable, Sendable, Hashable {
    case zero, one, two, few, many, other
}

/// Chooses the CLDR plural category of a count in a locale (ICU behind it, in
/// ChorusLocalization); the core only asks.
public protocol PluralRules: Sendable {
    func category(of count: Int, locale: String) -> PluralCategory
}

/// A notice to render: its key and the values of its placeholders.
public struct Notice: Sendable, Equatable {
    public var key: NoticeKey
    /// Placeholder → value. A notice with plural forms takes its form from `count`, or from
    /// the one integer it has (`seconds`, `limit`).
    public var integers: [String: Int]
    public var strings: [String: String]

    public init(_ key: NoticeKey, integers: [String: Int] = [:], strings: [String: String] = [:]) {
        self.key = key
        self.integers = integers
        self.strings = strings
    }
}

/// A rendered notice, ready for a frame: `"notice":code,"text":text`.
public struct LocalizedNotice: Sendable, Equatable {
    public var code: String
    public var text: String

    public init(code: String, text: String) {
        self.code = code
        self.text = text
    }
}
