import Testing

@testable import ChorusCore

/// Viewer and console upgrades parsed and checked without a socket: the values a connection
/// starts with, and the close code and reason of each refusal.
@Suite struct HandshakeRequestTests {
    func viewer(_ arguments: [String: String]) throws(HandshakeRejection) -> ViewerRequest {
        try ViewerRequest(UpgradeRequest(path: ViewerRequest.path, arguments: arguments), connection: ConnectionID(7))
    }

    func rejection(_ body: () throws(HandshakeRejection) -> Void) -> HandshakeRejection? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    static let secret: [UInt8] = Array("secret".utf8)
    /// Not a MAC: enough for the request's checks, which only compare what it returns.
    static let authenticator: ConsoleToken.MessageAuthenticator = { key, message in key + message }

    func console(
        _ arguments: [String: String], bearer: String? = nil, tokenRooms: Set<String>? = nil
    ) throws(HandshakeRejection) -> ConsoleRequest {
        var arguments = arguments
        if arguments["token"] == nil, bearer == nil {
            arguments["token"] = ConsoleToken(rooms: tokenRooms, expiresAt: 2_000_000_000).signed(
                secret: Self.secret, authenticator: Self.authenticator)
        }
        return try ConsoleRequest(
            UpgradeRequest(path: ConsoleRequest.path, arguments: arguments, bearerToken: bearer),
            authenticate: { text throws(ConsoleToken.ValidationError) in
                try ConsoleToken.validate(
                    text, secret: Self.secret, nowSeconds: 1_000_000_000, authenticator: Self.authenticator)
            })
    }

    @Test func queryFragmentsKeepTheFirstValueAndTheBearerTokenIsTrimmed() {
        let request = UpgradeRequest(
            path: "/v1/console", queryFragments: ["rooms=a,b", "rooms=c", "flag", "since=a:3"],
            authorization: "Bearer  abc.1.ff ")
        #expect(request.arguments == ["rooms": "a,b", "since": "a:3"])
        #expect(request.bearerToken == "abc.1.ff")
        #expect(UpgradeRequest(path: "/", queryFragments: [], authorization: "Basic x").bearerToken == nil)
    }

    @Test func aViewerWithOnlyARoomGetsTheDefaults() throws {
        let request = try viewer(["room": "lobby"])
        #expect(request.room == "lobby")
        #expect(request.author == Author(user: "v7", locale: "und", region: "ZZ"))
        #expect(request.region == .missing)
        #expect(request.languages.isEmpty && request.feed == .all && request.since == nil)
    }

    @Test func aViewerDeclaresItselfAndResumes() throws {
        let request = try viewer([
            "room": "lobby", "user": "ana", "locale": "pt-BR", "region": "br", "langs": "mine", "since": "41",
        ])
        #expect(request.author == Author(user: "ana", locale: "pt-BR", region: "BR"))
        #expect(request.region == .assigned)
        #expect(request.languages == ["pt", "und"])
        #expect(request.since == 41)
        #expect(try viewer(["room": "lobby", "region": "QQ"]).region == .unassigned)
        #expect(try viewer(["room": "lobby", "region": "QQ"]).author.region == "ZZ")
    }

    @Test func eachBadViewerArgumentIsRefusedWith4000AndItsReason() {
        let cases: [([String: String], String)] = [
            ([:], "missing or invalid room"),
            (["room": "no spaces"], "missing or invalid room"),
            (["room": "lobby", "locale": "p"], "invalid locale"),
            (["room": "lobby", "region": "BRA"], "invalid region"),
            (["room": "lobby", "user": ""], "invalid user"),
            (["room": "lobby", "langs": "x1"], "invalid langs"),
            (["room": "lobby", "feed": "some"], "invalid feed"),
            (["room": "lobby", "since": "other:3"], "invalid since"),
            (["room": "lobby", "since": "3", "feed": "none"], "since needs feed=all"),
            // The first mistake wins.
            (["room": "lobby", "locale": "p", "region": "BRA"], "invalid locale"),
        ]
        for (arguments, reason) in cases {
            let refused = rejection { () throws(HandshakeRejection) in _ = try viewer(arguments) }
            #expect(refused == HandshakeRejection(code: CloseCode.badRequest, reason: reason, why: .badRequest))
        }
    }

    @Test func aConsoleIsAuthorisedForItsRooms() throws {
        let request = try console(["rooms": "b,a,b", "langs": "PT,en", "since": "a:5"], tokenRooms: ["a", "b"])
        #expect(request.rooms == ["b", "a", "b"])
        #expect(request.joinOrder == ["a", "b"])
        #expect(request.languages == ["pt", "en"])
        #expect(request.locale == NoticeCatalog.fallbackTag)
        #expect(request.since == ["a": 5])
        #expect(request.token.rooms == ["a", "b"])
    }

    @Test func consoleRefusalsComeInTheirOrder() {
        let good = ConsoleToken(rooms: ["a"], expiresAt: 2_000_000_000).signed(
            secret: Self.secret, authenticator: Self.authenticator)
        let cases: [([String: String], String?, HandshakeRejection)] = [
            (["rooms": "a"], "", .unauthorized("invalid console token")),
            (["rooms": "", "token": "forged.1.00"], nil, .unauthorized("invalid console token")),
            (["token": good], nil, .badRequest("missing or invalid rooms")),
            (["rooms": "a,b", "token": good], nil, .unauthorized("token does not allow these rooms")),
            (["rooms": "a", "langs": "english", "token": good], nil, .badRequest("invalid langs")),
            (["rooms": "a", "since": "b:1", "token": good], nil, .badRequest("invalid since")),
        ]
        for (arguments, bearer, expected) in cases {
            let refused = rejection { () throws(HandshakeRejection) in _ = try console(arguments, bearer: bearer) }
            #expect(refused == expected)
        }
        let missing = rejection { () throws(HandshakeRejection) in
            _ = try ConsoleRequest(
                UpgradeRequest(path: ConsoleRequest.path, arguments: ["rooms": "a"]),
                authenticate: { _ throws(ConsoleToken.ValidationError) in throw .malformed })
        }
        #expect(missing == .unauthorized("console token required"))
        #expect(
            HandshakeRejection.unknownEndpoint("/v2")
                == HandshakeRejection(code: 4000, reason: "unknown endpoint /v2", why: .badRequest))
    }
}
