/// Control and data frames of an open `WebSocketClientConnection`: messages to the handler,
/// fragments reassembled, pings answered, the server's close echoed.
extension WebSocketClientConnection {
    func handleFrame(
        _ header: WebSocketFrameCodec.Header, payload: UnsafeRawBufferPointer, now: UInt64
    ) {
        switch header.opcode {
        case .text, .binary:
            guard !fragmentsActive else {
                finish("protocol error: new message inside a fragmented one")
                return
            }
            if header.isFinal {
                handler.connection(self, didReceive: payload, at: now)
            } else {
                fragmentsActive = true
                fragments = Array(payload)
            }
        case .continuation:
            guard fragmentsActive else {
                finish("protocol error: continuation without a first fragment")
                return
            }
            fragments.append(contentsOf: payload)
            if header.isFinal {
                let message = fragments
                fragments = []
                fragmentsActive = false
                message.withUnsafeBytes { handler.connection(self, didReceive: $0, at: now) }
            }
        case .ping:
            WebSocketFrameCodec.appendMaskedFrame(
                opcode: .pong, payload: payload, maskKey: maskKeys.next(), to: &outbound)
            flush()
        case .pong:
            break
        case .close:
            let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005
            WebSocketFrameCodec.appendMaskedFrame(
                opcode: .close, payload: UnsafeRawBufferPointer(rebasing: payload.prefix(2)),
                maskKey: maskKeys.next(), to: &outbound)
            flush()
            finish("server close \(code)")
        }
    }
}
