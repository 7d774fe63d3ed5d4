/// Many batches through the room script in one round trip: Redis runs them in order, and with
/// `appendfsync always` writes them to its file with one fsync per round instead of one per
/// batch — a group commit. Without it one publisher thread waited a round trip and an fsync
/// per batch, and 200 rooms flushing 20 times a second outran it.
extension RoomLog {
    /// One batch for `append`, as the script's arguments.
    public struct Append: Sendable {
        public var batch: [UInt8]
        public var count: Int
        public var room: String
        public var keepMessages: Int
        public var floor: UInt64
        public var commit: RoomCommit

        public init(batch: [UInt8], count: Int, room: String, keepMessages: Int, floor: UInt64, commit: RoomCommit) {
            precondition(count > 0, "an empty batch has no numbers")
            self.batch = batch
            self.count = count
            self.room = room
            self.keepMessages = keepMessages
            self.floor = floor
            self.commit = commit
        }

        /// `numkeys`, the keys and the arguments, as the script reads them.
        var arguments: [[UInt8]] {
            var arguments: [[UInt8]] = [
                Array("7".utf8), Array(counterKey(room).utf8), Array(streamKey(room).utf8), Array(channel(room).utf8),
                Array(countsKey(room).utf8), Array(idempotencyKey(room).utf8),
                Array(idempotencyExpiryKey(room).utf8), Array("chorus:{\(room)}:batch:\(commit.batchID)".utf8),
                Array(String(count).utf8), batch, Array(String(keepMessages).utf8), Array(String(floor).utf8),
                Array(String(commit.nowMs).utf8), Array(String(commit.idempotencyWindowMs).utf8),
                Array(String(commit.increments.count).utf8),
            ]
            for (field, delta) in commit.increments {
                arguments.append(Array(field.utf8))
                arguments.append(Array(String(delta).utf8))
            }
            for (index, key) in commit.idempotencyKeys {
                arguments.append(Array(String(index).utf8))
                arguments.append(Array(key.utf8))
            }
            return arguments
        }
    }

    /// Appends every batch, in order, in one round trip on `connection` (every room's keys must
    /// live on that server). Each batch's outcome, or the error reply Redis gave it (`MOVED`
    /// after a resharding); an I/O error throws, and whatever ran stays stored (each batch's ID
    /// makes sending it again safe).
    public static func append(
        _ appends: [Append], on connection: RedisConnection
    ) throws(RedisError) -> [Result<Outcome, RedisError>] {
        var results: [Result<Outcome, RedisError>] = []
        var pending = appends[...]
        var loaded = false
        while !pending.isEmpty {
            let replies = try connection.pipeline(
                pending.map { [Array("EVALSHA".utf8), Array(digest.utf8)] + $0.arguments })
            for (append, reply) in zip(pending, replies) {
                if case .error(let message) = reply {
                    // Redis does not know the script (new or restarted): neither this batch nor
                    // any after it ran. Load it and send them again, in order.
                    if message.hasPrefix("NOSCRIPT"), !loaded { break }
                    results.append(.failure(.refused(connection.endpoint, command: "EVALSHA", message: message)))
                } else {
                    results.append(
                        Result { () throws(RedisError) -> Outcome in
                            try outcome(of: reply, count: append.count, from: connection.endpoint)
                        })
                }
                pending = pending.dropFirst()
            }
            if !pending.isEmpty {
                try connection.command(["SCRIPT", "LOAD", source])
                loaded = true
            }
        }
        return results
    }
}
