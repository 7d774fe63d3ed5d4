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

/// One client WebSocket over a non-blocking TCP socket, driven by `EventLoop` readiness.
///
/// The connection owns its descriptor and its buffers and nothing else. Received bytes are
/// parsed in place from the loop's shared read buffer; only an incomplete trailing frame is
/// copied into `pending`, so an idle connection costs a few hundred bytes, which matters when
/// one process holds 20,000 of them.
final class WebSocketClientConnection {
    enum State {
        case connecting
        case upgrading
        case open
        case closed
    }

    let id: Int
    /// Scenario-defined label (which room, which role); the connection does not interpret it.
    let tag: Int
    let startedAt: UInt64
    private(set) var state = State.connecting

    private let fd: Int32
    private unowned let loop: EventLoop
    private let handshake: WebSocketHandshake
    private var handshakeBuffer: [UInt8] = []
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var pending: [UInt8] = []
    private var fragments: [UInt8] = []
    private var fragmentsActive = false
    private var writeInterest = true
    private var maskKeys: MaskKeyGenerator
    private unowned let handler: any WebSocketEventHandler

    /// Starts a non-blocking connect; the handshake is sent once the socket is writable.
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
        } else if events & LinuxEpoll.writable != 0 {
            flush()
        }
        guard state != .closed, state != .connecting else { return }
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
        }
        finish(reason)
    }

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
        state = .upgrading
        outbound.append(contentsOf: handshake.request)
        flush()
    }

    private func flush() {
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
                return
            }
        }
        if outboundOffset == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.capacity <= 65_536)
            outboundOffset = 0
        }
        let wantsWrite = outboundOffset < outbound.count
        if wantsWrite != writeInterest {
            writeInterest = wantsWrite
            let mask = LinuxEpoll.readable | (wantsWrite ? LinuxEpoll.writable : 0)
            try? loop.modify(fd: fd, token: UInt64(id), events: mask)
        }
    }

    private func readOnce(scratch: UnsafeMutableRawBufferPointer, now: UInt64) {
        let count = read(fd, scratch.baseAddress, scratch.count)
        if count > 0 {
            consume(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), now: now)
        } else if count == 0 {
            finish(state == .open ? "server closed TCP without close frame" : "EOF during upgrade")
        } else if errno != EAGAIN && errno != EINTR {
            finish("read: \(SystemErrorText.describe(errno))")
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
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

    private func handleFrame(
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

    private func finish(_ reason: String) {
        guard state != .closed else { return }
        let wasOpen = state == .open
        state = .closed
        loop.deregister(fd: fd)
        Glibc.close(fd)
        outbound = []
        pending = []
        fragments = []
        handler.connectionDidClose(self, reason: CloseReason(wasOpen: wasOpen, text: reason))
    }
}
