import ChorusCore
import FuzzSupport

// The JSON parser and the client frame decoder, both roles. Invariants beyond "no crash":
// whatever parses survives parse → serialize → parse unchanged; whatever decodes decodes the
// same from its re-serialized JSON; a relayed chat text is within the chat limits (small
// here so that inputs reach them), not blank, and has its bidi controls balanced.
let decoder = ClientFrameDecoder(chatRules: ChatTextRules(maxCharacters: 40, maxBytes: 120, maxMarksPerCharacter: 3))

/// libFuzzer calls this with each input (its own `main` drives the run).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes(data, count)
    guard let value = try? JSONParser.parse(input) else {
        _ = try? decoder.decode(input, role: .viewer)
        return 0
    }
    guard let again = value.serialized else { return 0 }
    precondition((try? JSONParser.parse(again)) == value, "JSON round trip changed the value")
    for role in [Role.viewer, .console] {
        guard let frame = try? decoder.decode(input, role: role) else { continue }
        precondition((try? decoder.decode(again, role: role)) == frame, "frame round trip changed the frame")
        if case .interaction(.chat(let text), _, _, _) = frame {
            let rules = decoder.chatRules
            precondition(text.count <= rules.maxCharacters, "chat text over the character limit")
            precondition(
                text.allSatisfy {
                    $0.unicodeScalars.count(where: InvisibleCharacters.isMark) <= rules.maxMarksPerCharacter
                },
                "chat text with a combining-mark flood")
            precondition(!text.unicodeScalars.allSatisfy(InvisibleCharacters.isBlank), "blank chat text")
            precondition(BidiBalancer.balanced(text) == text, "chat text with open bidi controls")
        }
    }
    return 0
}
