import ChorusCore
import FuzzSupport

// Console tokens: any text through `ConsoleToken.validate`, and tokens built from the input
// signed and validated back. Invariants beyond "no crash": a validated token holds only valid
// room names, re-signs to a token that validates to itself, and a signed token always
// validates before its expiry and never after it.
let nowSeconds: Int64 = 1_800_000_000

/// libFuzzer calls this with each input (its own `main` drives the run).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes(data, count)
    let text = String(decoding: input, as: UTF8.self)
    if let token = try? ConsoleToken.validate(
        text, secret: fuzzSecret, nowSeconds: nowSeconds, authenticator: toyAuthenticator)
    {
        precondition(token.rooms?.allSatisfy { RoomName.isValid($0) } ?? true, "validated token with a bad room")
        let again = token.signed(secret: fuzzSecret, authenticator: toyAuthenticator)
        let reread = try? ConsoleToken.validate(
            again, secret: fuzzSecret, nowSeconds: nowSeconds, authenticator: toyAuthenticator)
        precondition(reread == token, "re-signed token does not validate to itself")
    }
    // The input as a list of room names and an expiry offset.
    let parts = split(input, parts: 2)
    let names = String(decoding: parts[0], as: UTF8.self).split(separator: ",").map(String.init)
    guard !names.isEmpty, names.allSatisfy({ RoomName.isValid($0) }) else { return 0 }
    let offset = Int64(parts[1].reduce(0) { ($0 &* 31 &+ Int($1)) % 100_000 }) - 50_000
    let token = ConsoleToken(rooms: Set(names), expiresAt: nowSeconds + offset)
    let signed = token.signed(secret: fuzzSecret, authenticator: toyAuthenticator)
    let result = Result { () throws(ConsoleToken.ValidationError) -> ConsoleToken in
        try ConsoleToken.validate(signed, secret: fuzzSecret, nowSeconds: nowSeconds, authenticator: toyAuthenticator)
    }
    switch result {
    case .success(let validated): precondition(offset > 0 && validated == token, "token validated wrongly")
    case .failure(.expired): precondition(offset <= 0, "unexpired token refused as expired")
    case .failure(let error): preconditionFailure("signed token refused: \(error)")
    }
    return 0
}
