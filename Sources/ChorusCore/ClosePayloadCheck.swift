/// What to do with the payload of a client's close frame (RFC 6455 5.5.1, 7.4): echo it (the
/// close handshake), or answer a malformed one with a close of our own.
public enum ClosePayloadCheck: Equatable, Sendable {
    /// Well formed: echo it.
    case echo
    /// Malformed: close with `code` instead.
    case fail(code: UInt16, reason: String)

    /// Judges a close payload: empty, or a 2-byte code that may be sent on the wire followed
    /// by a UTF-8 reason. A 1-byte payload cannot hold a code. `isCut`: only the payload's
    /// first bytes are here (lws hands a control frame over in receive-buffer-sized pieces), so
    /// the reason may end inside a character.
    public static func judge(_ payload: UnsafeRawBufferPointer, isCut: Bool = false) -> ClosePayloadCheck {
        guard !payload.isEmpty else { return .echo }
        guard payload.count >= 2 else { return .fail(code: CloseCode.protocolError, reason: "1-byte close payload") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard isSendable(code) else { return .fail(code: CloseCode.protocolError, reason: "invalid close code") }
        var reason = UTF8Validator()
        guard reason.feed(UnsafeRawBufferPointer(rebasing: payload[2...])), isCut || reason.isAtCharacterBoundary
        else {
            return .fail(code: CloseCode.invalidPayload, reason: "close reason is not UTF-8")
        }
        return .echo
    }

    /// Codes an endpoint may put in a close frame: 1000–1003 and 1007–1014 (IANA's registry;
    /// 1004 is reserved, 1005, 1006 and 1015 are never sent), 3000–3999 (registered) and
    /// 4000–4999 (private use). Everything else, 0–999, 1016–2999 and 5000 up, is invalid.
    public static func isSendable(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
