public import ChorusCore

/// Notices in each person's language: the catalog of `Locales/` (swapped whole on SIGHUP,
/// read by every service thread) and the plural rules that pick a form.
extension RelayServer {
    /// Installs the notices to use from now on (start-up, and every reload). Any thread.
    public func installNotices(_ catalog: NoticeCatalog, rules: any PluralRules) {
        notices.withLock { $0 = (catalog, rules) }
    }

    /// The locale count of the installed catalog (nil before any), for logs and metrics.
    public var noticeLocaleCount: Int? { notices.withLock { $0?.catalog.locales.count } }

    /// `notice` in the language negotiated for `declared`; nil while no catalog is installed
    /// (frames then carry their stable codes only).
    func localize(_ notice: Notice, declared: String) -> LocalizedNotice? {
        guard let (catalog, rules) = notices.withLock({ $0 }) else { return nil }
        return catalog.render(notice, declared: declared, rules: rules)
    }

    /// The locale and direction notices for `declared` are written in.
    func noticeLocale(declared: String) -> ServerFrames.NoticeLocale? {
        guard let catalog = notices.withLock({ $0?.catalog }) else { return nil }
        let tag = catalog.negotiate(declared)
        return ServerFrames.NoticeLocale(tag: tag, direction: catalog.locales[tag]?.direction ?? .ltr)
    }
}
