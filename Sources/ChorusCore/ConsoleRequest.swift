/// A console's upgrade (`/v1/console`), checked and authorised: its token, its rooms and
/// filters. The checks run in the order a client learns of its mistakes (the first one wins).
public struct ConsoleRequest: Sendable, Equatable {
    public static let path = "/v1/console"
    /// Most rooms one console connection may name.
    public static let maxRooms = 256

    public var token: ConsoleToken
    /// As named, possibly repeated; `joinOrder` is the order they are joined in.
    public var rooms: [String]
    /// The chat language filter for every room, lower-cased (empty: every language).
    public var languages: [String]
    /// The BCP 47 tag its notices are negotiated from (not checked: negotiation falls back).
    public var locale: String
    /// Room → last seq the console has (`since`); rooms not listed join live.
    public var since: [String: UInt64]

    /// `authenticate` checks the token's signature and expiry (`ConsoleToken.validate`).
    public init(
        _ request: UpgradeRequest, authenticate: (String) throws(ConsoleToken.ValidationError) -> ConsoleToken
    ) throws(HandshakeRejection) {
        let arguments = request.arguments
        guard let tokenText = request.bearerToken ?? arguments["token"] else {
            throw .unauthorized("console token required")
        }
        do {
            self.token = try authenticate(tokenText)
        } catch {
            throw .unauthorized("invalid console token")
        }
        let token = token
        let rooms = (arguments["rooms"] ?? "").split(separator: ",").map(String.init)
        guard !rooms.isEmpty, rooms.count <= Self.maxRooms, rooms.allSatisfy({ RoomName.isValid($0) }) else {
            throw .badRequest("missing or invalid rooms")
        }
        guard rooms.allSatisfy({ token.allows(room: $0) }) else {
            throw .unauthorized("token does not allow these rooms")
        }
        var languages: [String] = []
        if let filter = arguments["langs"], !filter.isEmpty {
            languages = filter.split(separator: ",").map { $0.lowercased() }
            guard languages.allSatisfy({ LanguageCode.isValid($0) }) else { throw .badRequest("invalid langs") }
        }
        guard let since = ResumeRequest.parse(arguments["since"], rooms: rooms) else {
            throw .badRequest("invalid since")
        }
        self.rooms = rooms
        self.languages = languages
        self.locale = arguments["locale"] ?? NoticeCatalog.fallbackTag
        self.since = since
    }

    /// Each room once, sorted: the order of the welcome's rooms.
    public var joinOrder: [String] { Set(rooms).sorted() }
}
