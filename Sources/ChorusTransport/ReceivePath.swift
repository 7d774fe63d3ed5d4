import CLibWebSockets
import ChorusCore

/// One service thread's inbound side: client frames reassembled, decoded, checked against the
/// limits, tagged and handed to the hub (`Hub.accept`), and consoles' commands.
final class ReceivePath {
    unowned(unsafe) let relay: RelayServer
    let shardIndex: Int
    let connections: ConnectionTable
    let writePath: WritePath
    let limits: LimitEnforcer
    let handshake: HandshakeHandler
    let timer: TickTimer
    let statistics: ThreadStatistics
    /// Run-time settings, this thread's copy (`adopt`).
    private var maxMessageBytes: Int
    private var maxErrorsPerConnection: Int
    private var decoder: ClientFrameDecoder

    init(
        config: ChorusConfig, relay: RelayServer, shardIndex: Int, connections: ConnectionTable, writePath: WritePath,
        limits: LimitEnforcer, handshake: HandshakeHandler, timer: TickTimer, statistics: ThreadStatistics
    ) {
        self.relay = relay
        self.shardIndex = shardIndex
        self.connections = connections
        self.writePath = writePath
        self.limits = limits
        self.handshake = handshake
        self.timer = timer
        self.statistics = statistics
        maxMessageBytes = config.limits.maxMessageBytes
        maxErrorsPerConnection = config.limits.maxErrorsPerConnection
        decoder = ClientFrameDecoder(chatRules: ChatTextRules(config.limits))
    }

    /// A reload: the limits apply from the next message on, on open connections too.
    func adopt(_ config: ChorusConfig) {
        maxMessageBytes = config.limits.maxMessageBytes
        maxErrorsPerConnection = config.limits.maxErrorsPerConnection
        decoder = ClientFrameDecoder(chatRules: ChatTextRules(config.limits))
    }

    /// LWS_CALLBACK_RECEIVE: a piece of a client message arrived; fragments are reassembled
    /// up to the size limit. Text is checked for UTF-8 here, piece by piece (lws's own check,
    /// LWS_SERVER_OPTION_VALIDATE_UTF8, is off: see `LWSContext.create`). Returns -1, with the
    /// close frame set, to close at once on invalid UTF-8 (1007); a frame too big to read is
    /// answered with `too_large` and closed once that is written (1009).
    func receive(_ id: ConnectionID, _ bytes: UnsafeRawBufferPointer?) -> Int32 {
        guard let connection = connections[id] else { return 0 }
        // Any frame from the peer answers the heartbeat's ping.
        connection.heartbeat = .heard
        // Nothing more is processed once either side has decided to close.
        guard !connection.peerSentClose, connection.closeRequest == nil else { return 0 }
        let wsi = connection.wsi
        let isFinal = lws_is_final_fragment(wsi) != 0
        let isBinary = lws_frame_is_binary(wsi) != 0
        let chunk = bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let restOfFrame = FrameRules.restOfFrame(wsi)
        // A message that ends at a character boundary leaves the validator as new: no reset.
        if !isBinary {
            // The message ends with this piece only when it is the last of a final frame.
            let endsMessage = isFinal && restOfFrame == 0
            guard connection.utf8.feed(chunk), !endsMessage || connection.utf8.isAtCharacterBoundary else {
                return closeAtOnce(id, wsi, code: CloseCode.invalidPayload, reason: "invalid UTF-8", why: .invalidUTF8)
            }
        }
        guard connection.role != nil else { return 0 }
        // This message is handled either way; a pause holds back the next ones.
        limits.pauseIfBehind(id, connection)
        let limit = maxMessageBytes
        let size = MessageSizeRule.judge(
            buffered: connection.receiveBuffer.count, piece: chunk.count, restOfFrame: restOfFrame, limit: limit)
        if size == .close {
            connection.receiveBuffer = []
            connection.discardingOversize = false
            statistics.current.protocolErrors[ProtocolError.tooLarge(limit: limit).code, default: 0] += 1
            let error = ProtocolError.tooLarge(limit: limit)
            writePath.send(ServerFrames.error(error, notice: writePath.localize(error, for: id)), to: id)
            writePath.requestClose(
                id, code: CloseCode.messageTooBig, reason: "frame too big", why: .messageTooBig, flushFirst: true)
            return 0
        }

        // Common case: a whole small message in one piece, parsed straight from lws's buffer.
        if isFinal, connection.receiveBuffer.isEmpty, !connection.discardingOversize {
            guard size == .keep else { reject(id, .tooLarge(limit: limit)); return 0 }
            guard !isBinary else { reject(id, .invalidJSON("binary frames are not supported")); return 0 }
            process(id, connection, chunk.assumingMemoryBound(to: UInt8.self))
            return 0
        }
        if !connection.discardingOversize {
            if size == .discard {
                connection.receiveBuffer = []
                connection.discardingOversize = true
            } else {
                connection.receiveBuffer.append(contentsOf: chunk)
            }
        }
        guard isFinal else { return 0 }
        let message = connection.receiveBuffer
        let wasOversize = connection.discardingOversize
        connection.receiveBuffer = []
        connection.discardingOversize = false
        if wasOversize { reject(id, .tooLarge(limit: limit)); return 0 }
        guard !isBinary else { reject(id, .invalidJSON("binary frames are not supported")); return 0 }
        message.withUnsafeBufferPointer { process(id, connection, $0) }
        return 0
    }

    /// Sets the close frame, counts the close and makes the callback return -1: lws sends
    /// the frame at once, whatever is queued.
    private func closeAtOnce(
        _ id: ConnectionID, _ wsi: OpaquePointer, code: UInt16, reason: String, why: CloseReason
    ) -> Int32 {
        writePath.noteClose(id, why: why, code: code, detail: reason)
        writePath.shard.stopDeliveries(to: id)
        FrameRules.close(wsi, code: code, reason: reason)
        return -1
    }

    /// LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: nothing after the client's close frame is
    /// processed; a malformed close frame is answered with 1002 or 1007 instead of its echo.
    func peerInitiatedClose(_ id: ConnectionID, _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let connection = connections[id] else { return 0 }
        connection.peerSentClose = true
        connection.receiveBuffer = []
        let (result, check) = FrameRules.answerPeerClose(connection.wsi, input, length)
        if case .fail(let code, let reason) = check {
            let why: CloseReason = code == CloseCode.invalidPayload ? .invalidUTF8 : .protocolError
            writePath.noteClose(id, why: why, code: code, detail: reason)
            writePath.shard.stopDeliveries(to: id)
        }
        return result
    }

    private func process(_ id: ConnectionID, _ connection: Connection, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let role = connection.role else { return }
        let frame: ClientFrame
        do {
            frame = try decoder.decode(bytes, role: role)
        } catch {
            return reject(id, error)
        }
        switch frame {
        case .interaction(let payload, let clientID, let acknowledge, let idempotencyKey):
            accept(
                id, connection, payload, clientID: clientID, acknowledge: acknowledge, idempotencyKey: idempotencyKey)
        case .subscribe(let rooms):
            subscribe(id, connection, rooms: rooms)
        case .unsubscribe(let rooms):
            unsubscribe(id, rooms: rooms)
        case .filter(let languages, let room):
            if let room, !writePath.shard.rooms(of: id).contains(room) {
                return reject(id, .invalidField(name: "room", reason: "names a room this connection is not in"))
            }
            writePath.shard.setLanguages(id, languages.isEmpty ? nil : Set(languages), room: room)
        case .slowMode(let room, let seconds):
            setSlowMode(id, connection, room: room, seconds: seconds)
        }
    }

    /// Tags a viewer's interaction (outside the hub lock: tagging is the costly part) and
    /// hands it to the hub, which decides on its number, its count and its ack.
    private func accept(
        _ id: ConnectionID, _ connection: Connection, _ payload: InteractionPayload, clientID: String?,
        acknowledge: Bool, idempotencyKey: String?
    ) {
        // A viewer's room lives in its shard entry (its only room), not in the connection:
        // one string less on every idle viewer.
        guard let author = connection.author, let room = writePath.shard.firstRoom(of: id) else {
            return reject(id, .unknownType(payload.kind.rawValue))
        }
        guard limits.admit(id, connection, payload.kind, room: room, clientID: clientID) else { return }
        var tag: LanguageTag?
        if case .chat(let text) = payload {
            // The hints are a temporary, so the recent list is not shared again by the time it
            // is updated in place.
            let detected = relay.tagger.tag(
                text,
                hints: LanguageHints(
                    locale: author.locale, region: author.region,
                    recentLanguages: connection.recentLanguages.languages))
            tag = detected
            connection.recentLanguages.note(detected)
        }
        let wallMs = WallClock.milliseconds()
        let now = MonotonicClock.nanoseconds()
        let shard = shardIndex
        let (outcome, flushBy) = relay.withHub { hub in
            let outcome = hub.accept(
                room: room, payload: payload, author: author, clientID: clientID, tag: tag, acknowledge: acknowledge,
                idempotencyKey: idempotencyKey, shard: shard, connection: id, wallMs: wallMs, now: now)
            // Dispatched under the lock, so every thread sees the room's batches in order.
            if let action = outcome.action { relay.dispatch(action) }
            guard let deadline = outcome.newDeadline, relay.flushDue(by: deadline, from: shard) else {
                return (outcome, UInt64?.none)
            }
            return (outcome, deadline)
        }
        // This thread flushes (thread 0): its own timer, without a trip through its inbox.
        if let flushBy { timer.fire(by: flushBy) }
        if outcome.isDuplicate { statistics.current.duplicateInteractions[payload.kind.index] += 1 }
        if outcome.acknowledgeNow, let seq = outcome.seq {
            writePath.send(
                ServerFrames.ack(room: room, seq: seq, clientID: clientID, duplicate: outcome.isDuplicate), to: id)
        }
    }

    /// Answers a bad frame with an error frame; a connection that keeps sending them is closed.
    func reject(_ id: ConnectionID, _ error: ProtocolError) {
        statistics.current.protocolErrors[error.code, default: 0] += 1
        writePath.send(ServerFrames.error(error, notice: writePath.localize(error, for: id)), to: id)
        guard let connection = connections[id] else { return }
        if connection.invalidFrames < .max { connection.invalidFrames += 1 }
        if Int(connection.invalidFrames) > maxErrorsPerConnection {
            writePath.requestClose(
                id, code: CloseCode.tooManyErrors, reason: "too many invalid frames", why: .tooManyErrors,
                flushFirst: true)
        }
    }
}
