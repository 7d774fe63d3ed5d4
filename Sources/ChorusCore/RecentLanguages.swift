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
        guard tag.language != "und", tag.confidence >= Self.reliableConfidence,
            languages.first != tag.language
        else { return nil }
        var updated = self
        updated.languages.removeAll { $0 == tag.language }
        updated.languages.insert(tag.language, at: 0)
        if updated.languages.count > Self.capacity { updated.languages.removeLast() }
        return updated
    }
}
