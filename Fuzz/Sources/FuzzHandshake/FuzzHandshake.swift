import ChorusCore
import FuzzSupport

// The handshake parsers: an upgrade's path, query fragments (split at `&` as the transport
// hands them over) and `Authorization` header, read as a viewer and as a console. Invariants
// beyond "no crash": an accepted viewer or console only ever carries valid names.
let nowSeconds: Int64 = 1_800_000_000

/// libFuzzer calls this with each input (its own `main` drives the run).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let parts = split(bytes(data, count), parts: 3).map { String(decoding: $0, as: UTF8.self) }
    let fragments = parts[1].split(separator: "&", omittingEmptySubsequences: false).map(String.init)
    let request = UpgradeRequest(path: parts[0], queryFragments: fragments, authorization: parts[2])
    if let viewer = try? ViewerRequest(request, connection: ConnectionID(7)) {
        precondition(RoomName.isValid(viewer.room), "viewer accepted with an invalid room")
        precondition(UserName.isValid(viewer.author.user), "viewer accepted with an invalid user")
        precondition(viewer.languages.allSatisfy { LanguageCode.isValid($0) }, "viewer accepted bad langs")
    }
    let console = try? ConsoleRequest(request) { text throws(ConsoleToken.ValidationError) in
        try ConsoleToken.validate(text, secret: fuzzSecret, nowSeconds: nowSeconds, authenticator: toyAuthenticator)
    }
    if let console {
        precondition(!console.rooms.isEmpty && console.rooms.count <= ConsoleRequest.maxRooms, "console room count")
        precondition(console.rooms.allSatisfy { RoomName.isValid($0) && console.token.allows(room: $0) }, "rooms")
        precondition(console.languages.allSatisfy { LanguageCode.isValid($0) }, "console accepted bad langs")
    }
    return 0
}
