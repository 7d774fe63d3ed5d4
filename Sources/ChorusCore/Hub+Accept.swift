extension Hub {
    /// What became of an interaction handed to `accept`.
    public struct AcceptOutcome {
        /// Its seq (a retry's: its first attempt's); nil when the room is gone.
        public var seq: UInt64?
        /// A retry recognised by its idempotency key: not numbered or counted again.
        public var isDuplicate: Bool
        /// The ack is the caller's to send now: asked for, and not owed to a commit.
        public var acknowledgeNow: Bool
        /// A batch this message made leave; dispatch it before releasing the hub.
        public var action: Action?
        /// The deadline of the batch it started (`ingest`); the flush timer must fire by then.
        public var newDeadline: UInt64?
    }

    /// Accepts a viewer's interaction: a retry of one accepted in the idempotency window gets
    /// its first seq back; anything else is ingested. With durable counting the ack, if asked
    /// for, is owed until the commit that stores the interaction (a retry's too, so it never
    /// overtakes the commit of its first attempt); otherwise the caller acks at once.
    /// `shard` and `connection` say where an owed ack goes.
    public mutating func accept(
        room: String, payload: InteractionPayload, author: Author, clientID: String?, tag: LanguageTag?,
        acknowledge: Bool, idempotencyKey: String?, shard: Int, connection: ConnectionID, wallMs: Int64,
        now: UInt64
    ) -> AcceptOutcome {
        if configuration.clusterMode {
            // Redis recognises retries (from any node) and numbers; the ack waits for it.
            let ack =
                acknowledge
                ? PendingAck(shard: shard, connection: connection, room: room, seq: 0, clientID: clientID) : nil
            let (seq, action, newDeadline) = ingest(
                room: room, payload: payload, author: author, clientID: clientID, tag: tag,
                idempotencyKey: idempotencyKey, clusterAck: ack, wallMs: wallMs, now: now)
            return AcceptOutcome(
                seq: seq, isDuplicate: false, acknowledgeNow: false, action: action, newDeadline: newDeadline)
        }
        if let idempotencyKey, let earlier = acceptedEarlier(room: room, key: idempotencyKey, wallMs: wallMs) {
            let owed =
                acknowledge
                && owe(
                    PendingAck(
                        shard: shard, connection: connection, room: room, seq: earlier, clientID: clientID,
                        duplicate: true))
            return AcceptOutcome(
                seq: earlier, isDuplicate: true, acknowledgeNow: acknowledge && !owed, action: nil, newDeadline: nil)
        }
        let (seq, action, newDeadline) = ingest(
            room: room, payload: payload, author: author, clientID: clientID, tag: tag,
            idempotencyKey: idempotencyKey, wallMs: wallMs, now: now)
        var acknowledgeNow = false
        if acknowledge, let seq {
            acknowledgeNow = !owe(
                PendingAck(shard: shard, connection: connection, room: room, seq: seq, clientID: clientID))
        }
        return AcceptOutcome(
            seq: seq, isDuplicate: false, acknowledgeNow: acknowledgeNow, action: action, newDeadline: newDeadline)
    }
}
