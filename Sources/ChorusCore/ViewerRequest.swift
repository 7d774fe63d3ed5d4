/// A viewer's upgrade (`/v1/viewer`), checked: who it is, its room and how it reads it.
/// The checks run in the order a client learns of its mistakes (the first one wins).
public struct ViewerRequest: Sendable, Equatable {
    public static let path = "/v1/viewer"

    /// How the viewer's region came to be what `author.region` says.
    public enum RegionDeclaration: Sendable, Equatable {
        case assigned
        /// Well formed but not an ISO 3166-1 region: counted as `ZZ`.
        case unassigned
        /// None declared: `ZZ`.
        case missing
    }

    public var room: String
    public var author: Author
    public var region: RegionDeclaration
    /// The chat language filter, sorted (empty: every language).
    public var languages: [String]
    public var feed: ViewerFeed
    /// The last seq the viewer has (`since`): it resumes after it; nil joins live.
    public var since: UInt64?

    /// `connection` names a viewer that declares no `user` (`v` and its number).
    public init(_ request: UpgradeRequest, connection: ConnectionID) throws(HandshakeRejection) {
        let arguments = request.arguments
        guard let room = arguments["room"], RoomName.isValid(room) else { throw .badRequest("missing or invalid room") }
        let locale = arguments["locale"] ?? "und"
        guard LocaleTag.isValid(locale) else { throw .badRequest("invalid locale") }
        var regionCode = RegionCode.unknown
        if let declared = arguments["region"], !declared.isEmpty {
            guard let normalized = RegionCode.normalized(declared) else { throw .badRequest("invalid region") }
            if RegionCode.isAssigned(normalized) {
                regionCode = normalized
                region = .assigned
            } else {
                region = .unassigned
            }
        } else {
            region = .missing
        }
        let user = arguments["user"] ?? "v\(connection.raw)"
        if InvisibleCharacters.first(in: user) != nil {
            throw .badRequest("invalid user: bidi control or zero-width character")
        }
        guard UserName.isValid(user) else { throw .badRequest("invalid user") }
        let author = Author(user: user, locale: locale, region: regionCode)
        guard let languages = ViewerLanguages.parse(arguments["langs"], author: author) else {
            throw .badRequest("invalid langs")
        }
        guard let feed = ViewerFeed.parse(arguments["feed"]) else { throw .badRequest("invalid feed") }
        guard let since = ResumeRequest.parse(arguments["since"], rooms: [room]) else {
            throw .badRequest("invalid since")
        }
        guard feed == .all || since.isEmpty else { throw .badRequest("since needs feed=all") }
        self.room = room
        self.author = author
        self.languages = languages
        self.feed = feed
        self.since = since[room]
    }
}
