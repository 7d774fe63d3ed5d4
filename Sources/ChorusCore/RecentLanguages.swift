/// The languages a viewer's recent chat was reliably tagged with, most recent first.
///
/// A viewer's next message is most likely in the language of their last ones, which no
/// detector can know; the tagger gets these as a prior (`LanguageHints.recentLanguages`).
/// Only confident tags count, so one misread emoji or name does not steer the next message.
public struct RecentLanguages: Sendable, Equatable {
    /// At most `capacity` languages, most recent first, no repeats.
    public private(set) var languages: [String] = []

    public static let capacity = 3
    /// Tags below this confidence are not remembered.
    public static let reliableConfidence = 0.9

    public init() {}

    /// The list after `tag`, or nil when it does not change (most messages: same language again).
    public func noting(_ tag: LanguageTag) -> RecentLanguages? {
        var updated = self
        return updated.note(tag) ? updated : nil
    }

    /// Puts `tag`'s language first if it is reliable; whether the list changed. In place: a
    /// viewer whose lines change language (bridges, polyglots) costs no allocation per line.
    @discardableResult
    public mutating func note(_ tag: LanguageTag) -> Bool {
        guard tag.language != "und", tag.confidence >= Self.reliableConfidence,
            languages.first != tag.language
        else { return false }
        if let index = languages.firstIndex(of: tag.language) {
            languages.remove(at: index)
        } else if languages.count == Self.capacity {
            languages.removeLast()
        }
        if languages.capacity < Self.capacity { languages.reserveCapacity(Self.capacity) }
        languages.insert(tag.language, at: 0)
        return true
    }
}
