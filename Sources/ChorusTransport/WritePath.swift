import CLibWebSockets
import ChorusCore

/// One service thread's outbound side: its `Shard` (members and their queues), and every
/// `lws_write` of a WebSocket frame. Deliveries, control frames and closes all end here.
///
/// The delivery hot path (`deliver` → `Shard.deliver` → `perform` → `writeQueued` → `write`)
/// is direct calls on concrete types with no allocation of its own: it runs per member per
/// batch (docs/performance.md).
final class WritePath {
    unowned(unsafe) let relay: RelayServer
    let connections: ConnectionTable
    let statistics: ThreadStatistics
    /// Internal, not private: the handshake joins members, receive reads their rooms.
    var shard: Shard<LWSFrame>
    /// Set by `drainAll` (graceful stop): new WebSockets are closed at once. Written only there.
    var draining = false
    /// Run-time settings, this thread's copy (`adopt`).
    private var directWrites: Bool
    private var writeTimeoutNanoseconds: UInt64
    /// For the text of `too_large`-style notices (`WritePath+Notices.swift`).
    private(set) var maxChatCharacters: Int

    init(config: ChorusConfig, relay: RelayServer, connections: ConnectionTable, statistics: ThreadStatistics) {
        self.relay = relay
        self.connections = connections
        self.statistics = statistics
        shard = Shard(budgets: Self.budgets(config.limits))
        directWrites = config.transport.directWrites
        writeTimeoutNanoseconds = Self.writeTimeoutNanoseconds(config.transport)
        maxChatCharacters = config.limits.maxChatChars
    }

    /// A reload: queue budgets apply to connections opened from now on (an open one keeps the
    /// queue it has), the write timeout and direct writes at once.
    func adopt(_ config: ChorusConfig) {
        shard.budgets = Self.budgets(config.limits)
        directWrites = config.transport.directWrites
        writeTimeoutNanoseconds = Self.writeTimeoutNanoseconds(config.transport)
        maxChatCharacters = config.limits.maxChatChars
    }

    private static func budgets(_ limits: ChorusConfig.Limits) -> Shard<LWSFrame>.Budgets {
        .init(
            viewerBytes: limits.viewerQueueBytes, consoleBytes: limits.consoleQueueBytes,
            viewerCommerceBytes: limits.viewerCommerceBytes)
    }

    private static func writeTimeoutNanoseconds(_ transport: ChorusConfig.Transport) -> UInt64 {
        UInt64(transport.writeTimeoutSeconds) * 1_000_000_000
    }

    /// A batch from the hub: queued for every local member of its room, written at once where
    /// the socket allows.
    func deliver(_ batch: RoomBatch) {
        perform(shard.deliver(batch, encode: Self.encodeBatch, shed: Self.encodeShed))
    }

    /// Queues a control frame (welcome, ack, error, notice), which is never dropped.
    func send(_ payload: [UInt8], to id: ConnectionID) {
        if let action = shard.send(LWSFrame(payload), to: id) { perform(action) }
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
            if directWrites, connection.closeRequest == nil, !connection.closeWhenFlushed,
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
        guard let languages, !batch.isGap else { return LWSFrame(batch.frame) }
        return LWSFrame(
            BatchEncoder.encode(room: batch.room, range: batch.range, messages: batch.messages, languages: languages))
    }

    /// The form a viewer that falls behind keeps of a batch (`BatchEncoder.encodeShed`).
    static func encodeShed(_ batch: RoomBatch) -> LWSFrame? {
        BatchEncoder.encodeShed(room: batch.room, range: batch.range, messages: batch.messages).map { LWSFrame($0) }
    }

    /// SERVER_WRITEABLE: one write per callback, since lws cannot accept a second before the
    /// socket drains. Returns what the lws callback returns (-1 closes).
    func writeNext(_ id: ConnectionID) -> Int32 {
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
        statistics.current.directWrites += 1
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
        statistics.current.framesWritten += 1
        statistics.current.bytesWritten += UInt64(frame.byteCount)
        return true
    }

    /// Connections with something queued and no write going out for
    /// `transport.writeTimeoutSeconds` (a peer whose TCP window stays shut) are killed by lws
    /// at once: pings cannot reach a peer that reads nothing.
    func closeStalledWriters(now: UInt64) {
        connections.forEach { id, connection in
            guard connection.writeProgressAt != 0, now &- connection.writeProgressAt > writeTimeoutNanoseconds
            else { return }
            connection.writeProgressAt = 0
            statistics.current.writeTimeouts += 1
            drop(id, connection, why: .writeTimeout)
        }
    }
}
