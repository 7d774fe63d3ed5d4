import CLibWebSockets
import ChorusCore
import Glibc

/// The single lws protocol callback; finds the `ServiceThread` that owns the context and
/// hands it the event. Runs on that service thread.
func chorusServiceCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else { return 0 }
    let thread = Unmanaged<ServiceThread>.fromOpaque(owner).takeUnretainedValue()
    return thread.handle(wsi, reason, session: user, input: input, length: length)
}

extension ServiceThread {
    func handle(
        _ wsi: OpaquePointer, _ reason: lws_callback_reasons, session: UnsafeMutableRawPointer?,
        input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_HTTP:
            return serveHTTP(wsi)
        case LWS_CALLBACK_ESTABLISHED:
            let id = relay.makeConnectionID()
            // The connection's ID is the wsi's user pointer itself: nothing to allocate per
            // connection (lws frees no user pointer it did not allocate).
            lws_set_wsi_user(wsi, UnsafeMutableRawPointer(bitPattern: UInt(id.raw)))
            connections[id] = Connection(wsi: wsi)
            heartbeat.add(id, now: MonotonicClock.nanoseconds())
            establish(id)
            return 0
        case LWS_CALLBACK_RECEIVE:
            guard let id = connectionID(session) else { return -1 }
            receive(id, input.map { UnsafeRawBufferPointer(start: $0, count: length) })
            return 0
        case LWS_CALLBACK_RECEIVE_PONG:
            if let id = connectionID(session) { connections[id]?.heartbeat = .heard }
            return 0
        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let id = connectionID(session) else { return -1 }
            return writeNext(id)
        case LWS_CALLBACK_CLOSED:
            if let id = connectionID(session) { closed(id) }
            return 0
        case LWS_CALLBACK_RAW_RX_FILE:
            acceptPending()
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            drainInbox()
            return 0
        default:
            return lws_callback_http_dummy(wsi, reason, session, input, length)
        }
    }

    /// The ID `ESTABLISHED` stored as the wsi's user pointer (IDs start at 1; nil before).
    private func connectionID(_ session: UnsafeMutableRawPointer?) -> ConnectionID? {
        guard let session else { return nil }
        return ConnectionID(UInt64(UInt(bitPattern: session)))
    }

    /// Asks for the connection to be closed with `code` at its next writable callback, after
    /// what is already queued when `flushFirst`.
    func requestClose(
        _ id: ConnectionID, code: UInt16, reason: String, why: CloseReason, flushFirst: Bool = false
    ) {
        guard let connection = connections[id], connection.closeRequest == nil else { return }
        connection.closeRequest = CloseRequest(code: code, reason: reason, flushFirst: flushFirst)
        shard.stopDeliveries(to: id)
        noteClose(id, why: why, code: code, detail: reason)
        lws_callback_on_writable(connection.wsi)
    }

    func perform(_ actions: [Shard<LWSFrame>.Action]) {
        for action in actions { perform(action) }
    }

    func perform(_ action: Shard<LWSFrame>.Action) {
        switch action {
        case .wantWrite(let id):
            guard let connection = connections[id] else { return }
            if connection.writeProgressAt == 0 { connection.writeProgressAt = MonotonicClock.nanoseconds() }
            // Write at once unless lws still holds part of an earlier frame: a writable callback
            // costs a loop pass and two epoll_ctl calls per write, which dominated fan-out, and
            // lws_send_pipe_choked() is a poll() per write (docs/performance.md). A full socket
            // leaves at most this one frame in lws' own buffer; later ones wait in our queue.
            if relay.config.transport.directWrites, connection.closeRequest == nil, !connection.closeWhenFlushed,
                lws_partial_buffered(connection.wsi) == 0
            {
                if !writeQueued(id, connection) {
                    // Not inside this connection's callback: have lws close it on its own.
                    lws_set_timeout(connection.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
                }
            } else {
                lws_callback_on_writable(connection.wsi)
            }
        case .close(let id, let code, let reason):
            requestClose(id, code: code, reason: reason, why: .tooSlow)
        }
    }

    /// A batch as one member receives it: the shared frame, or one filtered by language.
    static func encodeBatch(_ batch: RoomBatch, languages: Set<String>?) -> LWSFrame {
        guard let languages else { return LWSFrame(batch.frame) }
        return LWSFrame(
            BatchEncoder.encode(room: batch.room, range: batch.range, messages: batch.messages, languages: languages))
    }

    /// The form a viewer that falls behind keeps of a batch (`BatchEncoder.encodeShed`).
    static func encodeShed(_ batch: RoomBatch) -> LWSFrame? {
        BatchEncoder.encodeShed(room: batch.room, range: batch.range, messages: batch.messages).map { LWSFrame($0) }
    }

    func send(_ payload: [UInt8], to id: ConnectionID) {
        if let action = shard.send(LWSFrame(payload), to: id) { perform(action) }
    }

    private func drainInbox() {
        for message in inbox.takeAll() {
            switch message {
            case .deliver(let batch):
                relay.pendingDeliveries.subtract(1, ordering: .relaxed)
                perform(shard.deliver(batch, encode: Self.encodeBatch, shed: Self.encodeShed))
            case .flushBy(let deadline):
                tick(by: deadline)
            case .slowMode(let room, let seconds):
                sendSlowMode(room: room, seconds: seconds)
            case .acks(let acks):
                for ack in acks where connections[ack.connection] != nil {
                    send(
                        ServerFrames.ack(
                            room: ack.room, seq: ack.seq, clientID: ack.clientID, duplicate: ack.duplicate),
                        to: ack.connection)
                }
            case .drain:
                draining = true
                stopAccepting()
                for id in connections.keys {
                    if connections[id]!.role != nil { sendNotice(Notice(.serverRestarting), to: id) }
                    connections[id]!.closeWhenFlushed = true
                    lws_callback_on_writable(connections[id]!.wsi)
                }
            case .stop:
                stopping = true
                publishStatistics()
            }
        }
    }

    /// One write per writable callback: lws cannot accept a second before the socket drains.
    private func writeNext(_ id: ConnectionID) -> Int32 {
        guard let connection = connections[id] else { return -1 }
        if let close = connection.closeRequest, !close.flushFirst {
            closeNow(connection.wsi, code: close.code, reason: close.reason)
            return -1
        }
        guard let (item, more) = shard.nextWrite(for: id) else {
            if let close = connection.closeRequest {
                closeNow(connection.wsi, code: close.code, reason: close.reason)
                return -1
            }
            if connection.closeWhenFlushed {
                noteClose(id, why: .shutdown, code: CloseCode.goingAway, detail: "server shutting down")
                closeNow(connection.wsi, code: CloseCode.goingAway, reason: "server shutting down")
                return -1
            }
            return 0
        }
        guard write(item, to: connection.wsi, id: id) else { return -1 }
        // A writable callback means the socket took what lws held: progress.
        noteWrite(connection, more: more, progressed: true)
        if more || connection.closeWhenFlushed || connection.closeRequest != nil {
            lws_callback_on_writable(connection.wsi)
        }
        return 0
    }

    /// Direct write outside the writable callback: the next queued item, then a writable
    /// request if more is queued. False when the write failed.
    private func writeQueued(_ id: ConnectionID, _ connection: Connection) -> Bool {
        guard let (item, more) = shard.nextWrite(for: id) else { return true }
        guard write(item, to: connection.wsi, id: id) else { return false }
        // Progress only if the socket took it all; lws keeping part of it is not.
        noteWrite(connection, more: more, progressed: lws_partial_buffered(connection.wsi) == 0)
        statistics.directWrites += 1
        if more { lws_callback_on_writable(connection.wsi) }
        return true
    }

    /// Write-timeout bookkeeping (`writeProgressAt`) after a write: progress restarts the
    /// clock while anything still waits (in the queue or inside lws) and stops it once nothing
    /// does; a write that went no further than lws's own buffer only starts a stopped clock.
    private func noteWrite(_ connection: Connection, more: Bool, progressed: Bool) {
        if progressed {
            let waiting = more || lws_partial_buffered(connection.wsi) != 0
            connection.writeProgressAt = waiting ? MonotonicClock.nanoseconds() : 0
        } else if connection.writeProgressAt == 0 {
            connection.writeProgressAt = MonotonicClock.nanoseconds()
        }
    }

    private func write(_ item: OutboundQueue<LWSFrame>.Item, to wsi: OpaquePointer, id: ConnectionID) -> Bool {
        let frame: LWSFrame
        switch item {
        case .frame(let queued):
            frame = queued
        case .missed(let room, let range):
            let notice = localize(Notice(.missed, integers: ["count": range.count]), for: id)
            frame = LWSFrame(ServerFrames.missed(room: room, range: range, notice: notice))
        }
        let written = lws_write(wsi, frame.payload, frame.byteCount, LWS_WRITE_TEXT)
        guard written >= frame.byteCount else { return false }
        statistics.framesWritten += 1
        statistics.bytesWritten += UInt64(frame.byteCount)
        return true
    }

    func closeNow(_ wsi: OpaquePointer, code: UInt16, reason: String) {
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(code)), buffer.baseAddress, buffer.count)
        }
    }

    private func closed(_ id: ConnectionID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        consoleTokens[id] = nil
        consoleLocales[id] = nil
        if let peer = connection.peer { relay.peerConnections.release(peer) }
        if connection.counted {
            relay.openConnections.subtract(1, ordering: .relaxed)
            switch connection.role {
            case .viewer: statistics.viewers -= 1
            case .console: statistics.consoles -= 1
            case nil: break
            }
        }
        guard let (role, rooms) = shard.remove(id) else { return }
        let now = MonotonicClock.nanoseconds()
        relay.withHub { hub in
            for room in rooms { hub.leave(room: room, role: role, shard: index, now: now) }
        }
    }
}
