/// The wss:// half of `WebSocketClientConnection`: the TLS handshake between TCP connect and
/// the HTTP upgrade, and reads and writes through OpenSSL. The ws:// path never comes here.
extension WebSocketClientConnection {
    /// One step of the TLS handshake; epoll interest follows what OpenSSL waits for.
    func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            securedAt = MonotonicClock.now()
            startUpgrade()
        case .wantRead:
            setWriteInterest(false)
        case .wantWrite:
            setWriteInterest(true)
        case .closed:
            finish("TLS handshake: server closed the connection")
        case .failed:
            finish("TLS handshake: \(TLSClientSession.lastErrorText())")
        }
    }

    /// Encrypts and sends what the socket takes; false if the connection failed. A write that
    /// waits is retried from the same offset (OpenSSL accepts the buffer moved and grown).
    func flushTLS(_ tls: TLSClientSession) -> Bool {
        while outboundOffset < outbound.count {
            let status = outbound.withUnsafeBytes { tls.write(UnsafeRawBufferPointer(rebasing: $0[outboundOffset...])) }
            switch status {
            case .done(let count):
                outboundOffset += count
            case .wantRead, .wantWrite:
                return true
            case .closed:
                finish("server closed TLS during a write")
                return false
            case .failed:
                finish("TLS write: \(TLSClientSession.lastErrorText())")
                return false
            }
        }
        return true
    }

    /// Decrypts until OpenSSL waits for the socket: with read-ahead it may hold records the
    /// kernel no longer reports as readable. Fills the scratch buffer before parsing it.
    func readTLS(_ tls: TLSClientSession, scratch: UnsafeMutableRawBufferPointer, now: UInt64) {
        var filled = 0
        while true {
            let status = tls.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[filled...]))
            if case .done(let count) = status {
                filled += count
                if filled < scratch.count { continue }
            }
            if filled > 0 {
                consume(UnsafeRawBufferPointer(rebasing: scratch[0..<filled]), now: now)
                filled = 0
            }
            guard state == .open || state == .upgrading else { return }
            switch status {
            case .done:
                continue
            case .wantRead, .wantWrite:
                return
            case .closed:
                finish(state == .open ? "server closed TLS without close frame" : "EOF during upgrade")
                return
            case .failed:
                finish("TLS read: \(TLSClientSession.lastErrorText())")
                return
            }
        }
    }
}
