import CLibWebSockets
public import ChorusCore

/// RFC 6455 checks libwebsockets 4.1.6 leaves to its user, shared by the relay's callbacks
/// and the conformance echo server (`chorus-echo`). docs/security.md, "Bad frames after the
/// upgrade", says which checks lws makes itself and which it cannot be made to make.
public enum FrameRules {
    /// Prepares the close frame lws sends when its frame parser kills the connection without
    /// naming a reason (a control frame announcing 126+ bytes, a 64-bit length with its top
    /// bit set): lws then closes with whatever close payload the connection holds, and
    /// without one it drops TCP without a close frame. lws keeps that payload in the buffer
    /// it also stashes a client's ping in, so this is armed only where no pong is pending: at
    /// the upgrade and in each writable callback (lws sends a pending pong first).
    /// A close the relay decides itself (`lws_close_reason` again) replaces it.
    public static func armProtocolErrorClose(_ wsi: OpaquePointer) {
        // Runs on every writable callback: no allocation, lws copies the bytes.
        lws_close_reason(
            wsi, lws_close_status(rawValue: UInt32(CloseCode.protocolError)), protocolErrorReason.baseAddress,
            protocolErrorReason.count)
    }

    /// "protocol error", allocated once and never written (lws_close_reason only reads it).
    nonisolated(unsafe) private static let protocolErrorReason: UnsafeMutableBufferPointer<UInt8> = {
        let text = Array("protocol error".utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.count)
        _ = buffer.initialize(from: text)
        return buffer
    }()

    /// LWS_CALLBACK_WS_PEER_INITIATED_CLOSE, with the client's close payload in lws's buffer:
    /// lws echoes that buffer when the callback returns 0. It has already replaced codes
    /// 0–999, 1004–1006 and 1012–2999 with 1002; this refuses what it lets through: codes
    /// 5000 and up, a reason that is not UTF-8 (lws checks that only with
    /// LWS_SERVER_OPTION_VALIDATE_UTF8, and then drops TCP without a close frame), a 1-byte
    /// payload. A malformed payload of 2 bytes or more is rewritten in place, as lws rewrites
    /// codes itself, into the code and an ASCII reason of the same length: the echo then carries
    /// it and lws closes TCP once it is sent. A 1-byte payload cannot hold a code: the close is
    /// set and the callback returns -1 (lws then waits for a close frame the client already
    /// sent, up to 5 s: docs/security.md). Returns what the callback returns and the check.
    public static func answerPeerClose(
        _ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?, _ length: Int
    ) -> (callbackResult: Int32, check: ClosePayloadCheck) {
        let payload = UnsafeMutableRawBufferPointer(start: input, count: input == nil ? 0 : length)
        // A close frame longer than the receive buffer arrives cut; lws echoes the first piece.
        let isCut = restOfFrame(wsi) > 0
        let check = ClosePayloadCheck.judge(UnsafeRawBufferPointer(payload), isCut: isCut)
        guard case .fail(let code, let reason) = check else {
            if isCut { blankUnfinishedCharacter(payload) }
            return (0, check)
        }
        guard payload.count >= 2 else {
            close(wsi, code: code, reason: reason)
            return (-1, check)
        }
        payload[0] = UInt8(code >> 8)
        payload[1] = UInt8(code & 0xFF)
        let text = Array(reason.utf8)
        for index in 2..<payload.count {
            payload[index] = index - 2 < text.count ? text[index - 2] : UInt8(ascii: " ")
        }
        return (0, check)
    }

    /// The echo of a cut close reason must not end inside a character: its last bytes, from
    /// the lead byte of an unfinished one, become spaces.
    private static func blankUnfinishedCharacter(_ payload: UnsafeMutableRawBufferPointer) {
        var index = payload.count - 1
        while index >= 2, payload[index] & 0xC0 == 0x80 { index -= 1 }
        guard index >= 2, payload[index] >= 0xC0 else { return }
        let needed = payload[index] >= 0xF0 ? 4 : payload[index] >= 0xE0 ? 3 : 2
        guard payload.count - index < needed else { return }
        for blank in index..<payload.count { payload[blank] = UInt8(ascii: " ") }
    }

    /// Sets the close frame lws sends when the callback returns -1 (or its parser gives up).
    public static func close(_ wsi: OpaquePointer, code: UInt16, reason: String) {
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(code)), buffer.baseAddress, buffer.count)
        }
    }

    /// What the frame of the piece just received still announces after it.
    public static func restOfFrame(_ wsi: OpaquePointer) -> Int {
        Int(clamping: lws_remaining_packet_payload(wsi))
    }
}
