import Glibc

/// What a connection reports to the scenario that owns it. Called on the event loop thread.
protocol WebSocketEventHandler: AnyObject {
    /// The upgrade completed; the server's first frame (`welcome`) follows.
    func connectionDidOpen(_ connection: WebSocketClientConnection, at now: UInt64)
    /// One complete text message. `payload` is only valid during the call.
    func connection(
        _ connection: WebSocketClientConnection, didReceive payload: UnsafeRawBufferPointer,
        at now: UInt64)
    /// The connection is gone: refused, reset, timed out, or closed by either side.
    func connectionDidClose(_ connection: WebSocketClientConnection, reason: CloseReason)
}

/// Why a connection ended, grouped so the reports can count them.
struct CloseReason: Hashable, CustomStringConvertible {
    /// Whether the connection had completed the upgrade.
    var wasOpen: Bool
    var text: String

    var description: String { text }
}

/// One client WebSocket over a non-blocking TCP socket, driven by `EventLoop` readiness; over
/// TLS (wss://) when the endpoint has a client context.
///
/// The connection owns its descriptor and its buffers and nothing else. Received bytes are
/// parsed in place from the loop's shared read buffer; only an incomplete trailing frame is
/// copied into `pending`, so an idle connection costs a few hundred bytes, which matters when
/// one process holds 20,000 of them.
final class WebSocketClientConnection {
    enum State {
        case connecting
        /// TCP is up; the TLS handshake runs (wss:// only).
        case securing
        case upgrading
        case open
        case closed
    }

    let id: Int
    /// Scenario-defined label (which room, which role); the connection does not interpret it.
    let tag: Int
    let startedAt: UInt64
    /// Set here and in the `+TLS`/`+Frames` extensions only.
    var state = State.connecting
    /// When the TLS handshake finished (0 for ws:// or before).
    var securedAt: UInt64 = 0

    private let fd: Int32
    private unowned let loop: EventLoop
    private let handshake: WebSocketHandshake
    /// The OpenSSL session for wss://; nil for ws://, whose path stays plain `send`/`read`.
    var tls: TLSClientSession?
    private var handshakeBuffer: [UInt8] = []
    // Internal (not private) for the `+TLS` and `+Frames` extensions; nothing else uses them.
    var outbound: [UInt8] = []
    var outboundOffset = 0
    private var pending: [UInt8] = []
    var fragments: [UInt8] = []
    var fragmentsActive = false
    private var writeInterest = true
    var maskKeys: MaskKeyGenerator
    unowned let handler: any WebSocketEventHandler

    /// Starts a non-blocking connect; the handshake (TLS first for wss://) starts once the socket
    /// is writable.
    init(
        id: Int, tag: Int, endpoint: LoopbackEndpoint, source: in_addr?, path: String, subprotocol: String? = nil,
        loop: EventLoop, handler: any WebSocketEventHandler, now: UInt64
    ) throws(ConnectionError) {
        self.id = id
        self.tag = tag
        self.loop = loop
        self.handler = handler
        startedAt = now
        maskKeys = MaskKeyGenerator(connectionID: id, now: now)
        var key = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in key.indices { key[index] = generator.next() }
        handshake = WebSocketHandshake(host: endpoint.hostHeader, path: path, key: key, subprotocol: subprotocol)
        fd = try SocketFactory.connect(to: endpoint, from: source)
        if let context = endpoint.tls {
            guard let session = context.makeSession(fd: fd, serverName: endpoint.serverName) else {
                Glibc.close(fd)
                throw ConnectionError(phase: "TLS session", errno: ENOMEM)
            }
            tls = session
        }
        do {
            try loop.register(
                fd: fd, token: UInt64(id), events: LinuxEpoll.readable | LinuxEpoll.writable)
        } catch {
            Glibc.close(fd)
            throw ConnectionError(phase: "epoll", errno: errno)
        }
    }

    /// Handles one readiness notification; `scratch` is the loop's shared read buffer.
    func handle(events: UInt32, scratch: UnsafeMutableRawBufferPointer, now: UInt64) {
        if state == .connecting {
            // A refused connect may report only EPOLLERR/EPOLLHUP; SO_ERROR tells which.
            let done = LinuxEpoll.writable | LinuxEpoll.error | LinuxEpoll.hangUp
            if events & done != 0 { finishConnect() }
        } else if state == .securing {
            continueHandshake()
            return
        } else if events & LinuxEpoll.writable != 0 {
            flush()
        }
        guard state != .closed, state != .connecting, state != .securing else { return }
        let readMask = LinuxEpoll.readable | LinuxEpoll.hangUp | LinuxEpoll.error
        if events & readMask != 0 { readOnce(scratch: scratch, now: now) }
    }

    /// Queues a masked text frame and tries to write it at once. Returns false if not open.
    @discardableResult
    func sendText(_ payload: UnsafeRawBufferPointer) -> Bool {
        guard queueText(payload) else { return false }
        flush()
        return true
    }

    /// Queues a masked text frame without writing it: a publisher sending many messages in one
    /// loop pass queues them all and writes them with one `flushQueued()` (one `send`).
    func queueText(_ payload: UnsafeRawBufferPointer) -> Bool {
        guard state == .open else { return false }
        WebSocketFrameCodec.appendMaskedFrame(
            opcode: .text, payload: payload, maskKey: maskKeys.next(), to: &outbound)
        return true
    }

    /// Writes whatever `queueText` queued (as far as the socket takes it).
    func flushQueued() {
        if state != .closed && outboundOffset < outbound.count { flush() }
    }

    /// Sends a close frame (1000) and releases the socket without waiting for the echo.
    func close(reason: String) {
        if state == .open {
            let code: [UInt8] = [0x03, 0xE8]
            code.withUnsafeBytes { payload in
                WebSocketFrameCodec.appendMaskedFrame(
                    opcode: .close, payload: payload, maskKey: maskKeys.next(), to: &outbound)
            }
            flush()
            tls?.shutdown()
        }
        finish(reason)
    }

    /// What TLS negotiated, once the handshake is done (nil for ws://).
    var tlsInfo: TLSSessionInfo? { securedAt > 0 ? tls?.info : nil }

    /// Bytes queued but not yet accepted by the kernel (a publisher falling behind).
    var queuedBytes: Int { outbound.count - outboundOffset }

    private func finishConnect() {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            finish("connect: \(SystemErrorText.describe(error))")
            return
        }
        if tls != nil {
            state = .securing
            continueHandshake()
        } else {
            startUpgrade()
        }
    }

    func startUpgrade() {
        state = .upgrading
        outbound.append(contentsOf: handshake.request)
        flush()
    }

    func flush() {
        if let tls {
            guard flushTLS(tls) else { return }
        } else {
            guard flushPlain() else { return }
        }
        if outboundOffset == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.capacity <= 65_536)
            outboundOffset = 0
        }
        setWriteInterest(outboundOffset < outbound.count)
    }

    /// Sends what the kernel takes; false if the connection failed.
    private func flushPlain() -> Bool {
        while outboundOffset < outbound.count {
            let written = outbound.withUnsafeBytes { buffer in
                send(
                    fd, buffer.baseAddress! + outboundOffset, buffer.count - outboundOffset,
                    Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                outboundOffset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                break
            } else {
                finish("send: \(SystemErrorText.describe(errno))")
                return false
            }
        }
        return true
    }

    func setWriteInterest(_ wantsWrite: Bool) {
        guard wantsWrite != writeInterest else { return }
        writeInterest = wantsWrite
        let mask = LinuxEpoll.readable | (wantsWrite ? LinuxEpoll.writable : 0)
        try? loop.modify(fd: fd, token: UInt64(id), events: mask)
    }

    private func readOnce(scratch: UnsafeMutableRawBufferPointer, now: UInt64) {
        if let tls {
            readTLS(tls, scratch: scratch, now: now)
            return
        }
        let count = read(fd, scratch.baseAddress, scratch.count)
        if count > 0 {
            consume(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), now: now)
        } else if count == 0 {
            finish(state == .open ? "server closed TCP without close frame" : "EOF during upgrade")
        } else if errno != EAGAIN && errno != EINTR {
            finish("read: \(SystemErrorText.describe(errno))")
        }
    }

    func consume(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        if state == .upgrading {
            handshakeBuffer.append(contentsOf: bytes)
            switch handshake.evaluate(handshakeBuffer) {
            case .needMore:
                return
            case .rejected(let why):
                finish("upgrade rejected: \(why)")
                return
            case .accepted(let bodyOffset):
                state = .open
                let rest = Array(handshakeBuffer[bodyOffset...])
                handshakeBuffer = []
                handler.connectionDidOpen(self, at: now)
                if !rest.isEmpty { rest.withUnsafeBytes { consume($0, now: now) } }
                return
            }
        }
        if pending.isEmpty {
            let used = processFrames(bytes, now: now)
            if used < bytes.count && state == .open {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used...]))
            }
        } else {
            pending.append(contentsOf: bytes)
            var buffered: [UInt8] = []
            swap(&buffered, &pending)
            let used = buffered.withUnsafeBytes { processFrames($0, now: now) }
            if used < buffered.count && state == .open {
                buffered.removeFirst(used)
                pending = buffered
            }
        }
    }

    /// Handles every complete frame at the start of `bytes`; returns the bytes consumed.
    private func processFrames(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> Int {
        var offset = 0
        while state == .open {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch WebSocketFrameCodec.decodeHeader(rest) {
            case .needMore:
                return offset
            case .invalid(let why):
                finish("protocol error: \(why)")
                return bytes.count
            case .frame(let header):
                guard rest.count >= header.frameLength else { return offset }
                let payload = UnsafeRawBufferPointer(
                    rebasing: rest[header.headerLength..<header.frameLength])
                handleFrame(header, payload: payload, now: now)
                offset += header.frameLength
            }
        }
        return offset
    }

    func finish(_ reason: String) {
        guard state != .closed else { return }
        let wasOpen = state == .open
        state = .closed
        loop.deregister(fd: fd)
        tls = nil
        Glibc.close(fd)
        outbound = []
        pending = []
        fragments = []
        handler.connectionDidClose(self, reason: CloseReason(wasOpen: wasOpen, text: reason))
    }
}
