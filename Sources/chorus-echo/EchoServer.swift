import CChorusLWS
import CLibWebSockets
import ChorusCore
import ChorusTransport

/// A WebSocket echo server for RFC 6455 conformance runs (Autobahn|Testsuite, scripts/autobahn.sh)
/// and nothing else: every message comes back as it came, text or binary. It shares the relay's
/// frame checks (`FrameRules`, `UTF8Validator`) and libwebsockets' settings that bear on them
/// (no LWS_SERVER_OPTION_VALIDATE_UTF8), so what Autobahn reports of it holds for chorusd's
/// frames; it has no rooms, limits or JSON. One thread; binds 127.0.0.1 only.
final class EchoServer {
    /// One connection's state: the message being received and the messages waiting to go back.
    final class Session {
        var utf8 = UTF8Validator()
        var message: [UInt8] = []
        var outbox: [(bytes: [UInt8], isBinary: Bool)] = []
    }

    /// Large enough that Autobahn's 16 MiB messages (cases 9.x) take few callbacks.
    static let receiveBufferBytes = 65_536

    private var sessions: [OpaquePointer: Session] = [:]

    func handle(_ wsi: OpaquePointer, _ reason: lws_callback_reasons, _ input: UnsafeMutableRawPointer?, _ length: Int)
        -> Int32
    {
        switch reason {
        case LWS_CALLBACK_ESTABLISHED:
            sessions[wsi] = Session()
            FrameRules.armProtocolErrorClose(wsi)
        case LWS_CALLBACK_RECEIVE:
            guard let session = sessions[wsi] else { return -1 }
            return receive(wsi, session, UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length))
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            return FrameRules.answerPeerClose(wsi, input, length).callbackResult
        case LWS_CALLBACK_SERVER_WRITEABLE:
            FrameRules.armProtocolErrorClose(wsi)
            guard let session = sessions[wsi], !session.outbox.isEmpty else { return 0 }
            let next = session.outbox.removeFirst()
            guard write(wsi, next.bytes, isBinary: next.isBinary) else { return -1 }
            if !session.outbox.isEmpty { lws_callback_on_writable(wsi) }
        case LWS_CALLBACK_CLOSED:
            sessions[wsi] = nil
        default:
            break
        }
        return 0
    }

    private func receive(_ wsi: OpaquePointer, _ session: Session, _ piece: UnsafeRawBufferPointer) -> Int32 {
        let isBinary = lws_frame_is_binary(wsi) != 0
        let endsMessage = lws_is_final_fragment(wsi) != 0 && lws_remaining_packet_payload(wsi) == 0
        if !isBinary {
            guard session.utf8.feed(piece), !endsMessage || session.utf8.isAtCharacterBoundary else {
                FrameRules.close(wsi, code: CloseCode.invalidPayload, reason: "invalid UTF-8")
                return -1
            }
        }
        session.message.append(contentsOf: piece)
        guard endsMessage else { return 0 }
        session.outbox.append((session.message, isBinary))
        session.message = []
        lws_callback_on_writable(wsi)
        return 0
    }

    /// One whole message; lws keeps what the socket does not take and sends it first.
    private func write(_ wsi: OpaquePointer, _ bytes: [UInt8], isBinary: Bool) -> Bool {
        let headroom = chorus_lws_pre()
        var frame = [UInt8](repeating: 0, count: headroom + bytes.count)
        frame.replaceSubrange(headroom..., with: bytes)
        return frame.withUnsafeMutableBufferPointer { buffer in
            let payload = buffer.baseAddress! + headroom
            let kind = isBinary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT
            return lws_write(wsi, payload, bytes.count, kind) >= bytes.count
        }
    }
}
