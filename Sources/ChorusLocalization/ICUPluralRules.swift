import CChorusICU
public import ChorusCore
import Foundation

/// CLDR plural rules from ICU (Debian's libicu), one `UPluralRules` per locale opened on first
/// use and kept: ICU's select is read-only, so the lock only guards the cache.
public final class ICUPluralRules: PluralRules, @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [String: UnsafeMutableRawPointer] = [:]

    public init() {}

    deinit {
        for pointer in rules.values { chorus_plural_rules_close(pointer) }
    }

    public func category(of count: Int, locale: String) -> PluralCategory {
        guard let pointer = try? rules(for: locale) else { return .other }
        var buffer = [CChar](repeating: 0, count: 16)
        guard chorus_plural_rules_select(pointer, Double(count), &buffer, Int32(buffer.count)) > 0 else {
            return .other
        }
        return PluralCategory(rawValue: String(cText: buffer)) ?? .other
    }

    /// The categories `locale` distinguishes (for checking locale files).
    public func categories(locale: String) throws(LocaleFileError) -> Set<PluralCategory> {
        let pointer = try rules(for: locale)
        var buffer = [CChar](repeating: 0, count: 64)
        guard chorus_plural_rules_keywords(pointer, &buffer, Int32(buffer.count)) >= 0 else {
            throw LocaleFileError(tag: locale, reason: "ICU cannot list its plural categories")
        }
        return Set(String(cText: buffer).split(separator: " ").compactMap { PluralCategory(rawValue: String($0)) })
    }

    private func rules(for locale: String) throws(LocaleFileError) -> UnsafeMutableRawPointer {
        lock.lock()
        defer { lock.unlock() }
        if let pointer = rules[locale] { return pointer }
        var error = [CChar](repeating: 0, count: 64)
        guard let pointer = chorus_plural_rules_open(locale, &error, Int32(error.count)) else {
            throw LocaleFileError(tag: locale, reason: "ICU has no plural rules: \(String(cText: error))")
        }
        rules[locale] = pointer
        return pointer
    }
}

extension String {
    /// The text before the first NUL of a C buffer.
    init(cText buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
