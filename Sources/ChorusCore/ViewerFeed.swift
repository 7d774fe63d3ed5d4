/// Whether a viewer connection receives its room's batches (`feed=all`, the default) or only
/// sends (`feed=none`): commerce back ends, chat bridges and reaction widgets publish into a
/// show without reading it, and a relay should not spend a write per batch on each of them.
/// A send-only viewer still gets its welcome, acks, errors and notices.
public enum ViewerFeed: String, Sendable, CaseIterable {
    case all
    case none

    /// The `feed` URL parameter: missing means `all`; anything but `all` or `none` is nil.
    public static func parse(_ parameter: String?) -> ViewerFeed? {
        guard let parameter else { return .all }
        return ViewerFeed(rawValue: parameter)
    }
}
