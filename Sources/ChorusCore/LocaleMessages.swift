/// One locale file (`Locales/<tag>.json`, format in `Locales/README.md`), parsed and checked.
public struct LocaleMessages: Sendable, Equatable {
    public enum Template: Sendable, Equatable {
        case text(String)
        case plural([PluralCategory: String])
    }

    public enum Direction: String, Sendable {
        case ltr, rtl
    }

    public var tag: String
    /// The language's own name, and its English one.
    public var name: String
    public var englishName: String
    public var direction: Direction
    public var notices: [String: Template]

    /// Parses a locale file. Unknown keys are kept (a newer file may be read by an older
    /// daemon); `NoticeCatalog` checks completeness against `NoticeKey`.
    public init(tag: String, bytes: [UInt8]) throws(LocaleFileError) {
        func fail(_ reason: String) -> LocaleFileError { LocaleFileError(tag: tag, reason: reason) }
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw fail("not JSON: \(error.reason) at byte \(error.offset)")
        }
        guard root["locale"]?.stringValue == tag else { throw fail("\"locale\" must be \"\(tag)\"") }
        guard let name = root["name"]?.stringValue, let englishName = root["englishName"]?.stringValue,
            let rawDirection = root["direction"]?.stringValue, let direction = Direction(rawValue: rawDirection)
        else { throw fail("\"name\", \"englishName\" and \"direction\" (ltr or rtl) are required") }
        guard case .object(let members)? = root["notices"] else { throw fail("\"notices\" must be an object") }
        var notices: [String: Template] = [:]
        for (key, value) in members.uniqueSortedMembers {
            switch value {
            case .string(let text):
                notices[key] = .text(text)
            case .object(let forms):
                var plural: [PluralCategory: String] = [:]
                for (form, text) in forms.uniqueSortedMembers {
                    guard let category = PluralCategory(rawValue: form), let text = text.stringValue else {
                        throw fail("\(key).\(form) is not a plural category with a text")
                    }
                    plural[category] = text
                }
                guard plural[.other] != nil else { throw fail("\(key) has no \"other\" form") }
                notices[key] = .plural(plural)
            default:
                throw fail("\(key) must be a text or an object of plural forms")
            }
        }
        self.tag = tag
        self.name = name
        self.englishName = englishName
        self.direction = direction
        self.notices = notices
    }
}

/// A locale file that cannot be used, with which and why.
public struct LocaleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var tag: String
    public var reason: String

    public init(tag: String, reason: String) {
        self.tag = tag
        self.reason = reason
    }

    public var description: String { "Locales/\(tag).json: \(reason)" }
}
