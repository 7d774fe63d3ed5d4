import CLibWebSockets
import ChorusCore

extension ServiceThread {
    /// A piece of a client message arrived. lws has already checked UTF-8 (closing with
    /// 1007 otherwise); here fragments are reassembled up to the size limit.
    func receive(_ id: ConnectionID, _ bytes: UnsafeRawBufferPointer?) {
        guard let connection = connections[id] else { return }
        // Any frame from the peer answers the heartbeat's ping.
        connection.heartbeat = .heard
        guard connection.role != nil, connection.closeRequest == nil else { return }
        let wsi = connection.wsi
        if ingress.shouldPause(pending: relay.pendingDeliveries.load(ordering: .relaxed)) {
            // This message is handled; the next ones wait in the kernel until delivery catches up.
            lws_rx_flow_control(wsi, 0)
            pausedReaders.append(id)
        }
        let isFinal = lws_is_final_fragment(wsi) != 0
        let isBinary = lws_frame_is_binary(wsi) != 0
        let limit = relay.config.limits.maxMessageBytes
        let chunk = bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)

        // Common case: a whole small message in one piece, parsed straight from lws's buffer.
        if isFinal, connection.receiveBuffer.isEmpty, !connection.discardingOversize {
            guard chunk.count <= limit else { return reject(id, .tooLarge(limit: limit)) }
            guard !isBinary else { return reject(id, .invalidJSON("binary frames are not supported")) }
            return process(id, connection, chunk.assumingMemoryBound(to: UInt8.self))
        }
        if !connection.discardingOversize {
            if connection.receiveBuffer.count + chunk.count > limit {
                connection.receiveBuffer = []
                connection.discardingOversize = true
            } else {
                connection.receiveBuffer.append(contentsOf: chunk)
            }
        }
        guard isFinal else { return }
        let message = connection.receiveBuffer
        let wasOversize = connection.discardingOversize
        connection.receiveBuffer = []
        connection.discardingOversize = false
        if wasOversize { return reject(id, .tooLarge(limit: limit)) }
        guard !isBinary else { return reject(id, .invalidJSON("binary frames are not supported")) }
        message.withUnsafeBufferPointer { process(id, connection, $0) }
    }

    private func process(_ id: ConnectionID, _ connection: Connection, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let role = connection.role else { return }
        let frame: ClientFrame
        do {
            frame = try relay.decoder.decode(bytes, role: role)
        } catch {
            return reject(id, error)
        }
        switch frame {
        case .interaction(let payload, let clientID, let acknowledge, let idempotencyKey):
            accept(
                id, connection, payload, clientID: clientID, acknowledge: acknowledge, idempotencyKey: idempotencyKey)
        case .subscribe(let rooms):
            guard let token = consoleTokens[id] else { return }
            for room in rooms {
                guard token.allows(room: room) else {
                    reject(id, .forbidden(room: room))
                    continue
                }
                guard !shard.rooms(of: id).contains(room) else { continue }
                if case .joined(let seq) = joinConsole(id, room: room).0 {
                    send(ServerFrames.subscribed(room: room, seq: seq), to: id)
                }
            }
        case .unsubscribe(let rooms):
            let now = MonotonicClock.nanoseconds()
            for room in rooms where shard.leave(id, room: room) {
                relay.withHub { hub in hub.leave(room: room, role: .console, shard: index, now: now) }
                send(ServerFrames.unsubscribed(room: room), to: id)
            }
        case .filter(let languages, let room):
            if let room, !shard.rooms(of: id).contains(room) {
                return reject(id, .invalidField(name: "room", reason: "names a room this connection is not in"))
            }
            shard.setLanguages(id, languages.isEmpty ? nil : Set(languages), room: room)
        case .slowMode(let room, let seconds):
            setSlowMode(id, room: room, seconds: seconds)
        }
    }

    /// Tags a viewer's interaction (outside the hub lock: tagging is the costly part) and
    /// hands it to the hub, which numbers, counts and batches it.
    private func accept(
        _ id: ConnectionID, _ connection: Connection, _ payload: InteractionPayload, clientID: String?,
        acknowledge: Bool, idempotencyKey: String?
    ) {
        // A viewer's room lives in its shard entry (its only room), not in the connection:
        // one string less on every idle viewer.
        guard let author = connection.author, let room = shard.firstRoom(of: id) else {
            return reject(id, .unknownType(payload.kind.rawValue))
        }
        guard admit(id, connection, payload.kind, room: room, clientID: clientID) else { return }
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
        let wallMillis = WallClock.milliseconds()
        let now = MonotonicClock.nanoseconds()
        let shard = index
        let (seq, owed, duplicate) = relay.withHub { hub in
            if let idempotencyKey,
                let earlier = hub.acceptedEarlier(room: room, key: idempotencyKey, wallMillis: wallMillis)
            {
                // A retry: not numbered or counted again. Its ack still waits for a commit, so
                // it never arrives before the first attempt's interaction is stored.
                let owed =
                    acknowledge
                    && hub.owe(
                        PendingAck(
                            shard: shard, connection: id, room: room, seq: earlier, clientID: clientID, duplicate: true)
                    )
                return (Optional(earlier), owed, true)
            }
            let (seq, action, newDeadline) = hub.ingest(
                room: room, payload: payload, author: author, clientID: clientID, tag: tag,
                idempotencyKey: idempotencyKey, wallMillis: wallMillis, now: now)
            if let action { relay.dispatch(action) }
            if let newDeadline { relay.flushDue(by: newDeadline, from: shard) }
            // With durable counting the ack waits for the commit that stores this interaction.
            guard acknowledge, let seq else { return (seq, false, false) }
            return (
                seq, hub.owe(PendingAck(shard: shard, connection: id, room: room, seq: seq, clientID: clientID)), false
            )
        }
        if duplicate { statistics.duplicateInteractions[payload.kind.index] += 1 }
        if acknowledge, !owed, let seq {
            send(ServerFrames.ack(room: room, seq: seq, clientID: clientID, duplicate: duplicate), to: id)
        }
    }

    /// Answers a bad frame with an error frame; a connection that keeps sending them is closed.
    func reject(_ id: ConnectionID, _ error: ProtocolError) {
        statistics.protocolErrors[error.code, default: 0] += 1
        send(ServerFrames.error(error, notice: localize(error, for: id)), to: id)
        guard let connection = connections[id] else { return }
        if connection.invalidFrames < .max { connection.invalidFrames += 1 }
        if Int(connection.invalidFrames) > relay.config.limits.maxErrorsPerConnection {
            requestClose(
                id, code: CloseCode.tooManyErrors, reason: "too many invalid frames", why: .tooManyErrors,
                flushFirst: true)
        }
    }
}
