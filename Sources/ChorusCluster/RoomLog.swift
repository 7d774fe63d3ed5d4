import ChorusCore

/// A room's shared log in Redis, kept by one Lua script so numbering, history and delivery
/// cannot disagree: the script takes the batch's numbers from the room's counter, appends the
/// batch to the room's stream under the ID of its last number, trims the stream to the history
/// it must keep and publishes the batch with its first number on the room's shard channel —
/// all in one atomic step. Every key and the channel carry the room as hash tag (`{room}`),
/// so on Redis Cluster they live in one slot and the script runs on one shard.
public enum RoomLog {
    /// KEYS: counter, stream, channel (declared as a key so Redis Cluster routes the shard
    /// channel with the slot), counts, idempotency keys (hash: key → number), their expiry
    /// (sorted set: key → expiry ms), the batch's own key (its ID: a batch already stored is
    /// answered with its numbers again and not stored twice, so a retry after a lost reply is
    /// safe). ARGV: message count, batch bytes, messages of history to
    /// keep, the highest number the calling node has seen in the room (the counter never
    /// restarts below it, even if Redis lost its data), now (ms), idempotency window (ms), the
    /// number of count increments, then (field, delta) pairs, then (message index, key) pairs.
    /// A key already recorded refuses the whole batch: the reply is `{0, index, number, ...}`
    /// for every such message, and nothing is written.
    static let source = """
        local count = tonumber(ARGV[1])
        local done = redis.call('GET', KEYS[7])
        if done then
          local colon = string.find(done, ':')
          return {tonumber(string.sub(done, 1, colon - 1)), tonumber(string.sub(done, colon + 1))}
        end
        local now = tonumber(ARGV[5])
        local increments = tonumber(ARGV[7])
        local keysAt = 8 + 2 * increments
        local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, 256)
        if #expired > 0 then
          redis.call('HDEL', KEYS[5], unpack(expired))
          redis.call('ZREM', KEYS[6], unpack(expired))
        end
        local duplicates = {}
        for i = keysAt, #ARGV, 2 do
          local seen = redis.call('HGET', KEYS[5], ARGV[i + 1])
          if seen then
            duplicates[#duplicates + 1] = tonumber(ARGV[i])
            duplicates[#duplicates + 1] = tonumber(seen)
          end
        end
        if #duplicates > 0 then
          table.insert(duplicates, 1, 0)
          return duplicates
        end
        local floor = tonumber(ARGV[4])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current < floor then
          redis.call('SET', KEYS[1], floor)
        end
        local last = redis.call('INCRBY', KEYS[1], count)
        local first = last - count + 1
        for i = 8, keysAt - 1, 2 do
          redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1])
        end
        local expires = now + tonumber(ARGV[6])
        for i = keysAt, #ARGV, 2 do
          redis.call('HSET', KEYS[5], ARGV[i + 1], first + tonumber(ARGV[i]))
          redis.call('ZADD', KEYS[6], expires, ARGV[i + 1])
        end
        local minimum = last - tonumber(ARGV[3]) + 1
        if minimum < 1 then minimum = 1 end
        redis.call('XADD', KEYS[2], 'MINID', '~', minimum, last .. '-0', 'b', ARGV[2])
        redis.call('SPUBLISH', KEYS[3], first .. ' ' .. ARGV[2])
        redis.call('SET', KEYS[7], first .. ':' .. last, 'PX', ARGV[6])
        return {first, last}
        """

    public static func counterKey(_ room: String) -> String { "chorus:{\(room)}:seq" }
    public static func streamKey(_ room: String) -> String { "chorus:{\(room)}:log" }
    public static func channel(_ room: String) -> String { "chorus:{\(room)}:live" }
    public static func countsKey(_ room: String) -> String { "chorus:{\(room)}:counts" }
    static func slowModeKey(_ room: String) -> String { "chorus:{\(room)}:slowmode" }
    static func idempotencyKey(_ room: String) -> String { "chorus:{\(room)}:idem" }
    static func idempotencyExpiryKey(_ room: String) -> String { "chorus:{\(room)}:idem-expiry" }

    /// The room a channel belongs to (what `channel` made), or nil.
    public static func room(ofChannel channel: String) -> String? {
        guard channel.hasPrefix("chorus:{"), channel.hasSuffix("}:live") else { return nil }
        return String(channel.dropFirst("chorus:{".count).dropLast("}:live".count))
    }

    /// What appending a batch did: numbered it, or refused it because some of its messages
    /// carry idempotency keys already recorded (message index → the first attempt's number).
    public enum Outcome: Sendable, Equatable {
        case appended(ClosedRange<UInt64>)
        case duplicates([Int: UInt64])
    }

    /// Numbers `batch` (encoded by `ClusterBatchCodec`, `count` messages), adds its counts,
    /// records its idempotency keys, appends it to the room's history (keeping at least
    /// `keepMessages`) and publishes it — or, if any key was seen before, does none of that.
    public static func append(
        _ batch: [UInt8], count: Int, room: String, keepMessages: Int, floor: UInt64, commit: RoomCommit = RoomCommit(),
        on connection: RedisConnection
    ) throws(RedisError) -> Outcome {
        let append = Append(
            batch: batch, count: count, room: room, keepMessages: keepMessages, floor: floor, commit: commit)
        let reply = try RedisScript.run(source, digest: digest, arguments: append.arguments, on: connection)
        return try outcome(of: reply, count: count, from: connection.endpoint)
    }

    /// The script's reply as an outcome: `{first, last}` or `{0, index, number, ...}`.
    static func outcome(of reply: RedisReply, count: Int, from endpoint: RedisEndpoint) throws(RedisError) -> Outcome {
        guard let numbers = reply.elements?.compactMap(\.integer), numbers.count == reply.elements?.count,
            numbers.count >= 2
        else {
            throw .unexpectedReply(endpoint, command: "room log append", reply: "\(reply)")
        }
        if numbers[0] == 0 {
            var duplicates: [Int: UInt64] = [:]
            for pair in stride(from: 1, to: numbers.count - 1, by: 2) {
                duplicates[Int(numbers[pair])] = UInt64(numbers[pair + 1])
            }
            return .duplicates(duplicates)
        }
        guard numbers.count == 2, numbers[0] >= 1, numbers[1] - numbers[0] + 1 == Int64(count) else {
            throw .unexpectedReply(endpoint, command: "room log append", reply: "\(reply)")
        }
        return .appended(UInt64(numbers[0])...UInt64(numbers[1]))
    }

    /// The room's number and its counts (field → total) at one moment: both read in one
    /// transaction, so the counts are exactly those of the batches through the number.
    public static func snapshot(
        room: String, on connection: RedisConnection
    ) throws(RedisError) -> (through: UInt64, counts: [String: UInt64], slowModeSeconds: Int) {
        let replies = try connection.pipeline([
            [Array("MULTI".utf8)], [Array("GET".utf8), Array(counterKey(room).utf8)],
            [Array("HGETALL".utf8), Array(countsKey(room).utf8)], [Array("GET".utf8), Array(slowModeKey(room).utf8)],
            [Array("EXEC".utf8)],
        ])
        guard let results = replies.last?.elements, results.count == 3, let flat = results[1].elements,
            flat.count.isMultiple(of: 2)
        else {
            throw .unexpectedReply(connection.endpoint, command: "MULTI GET HGETALL EXEC", reply: "\(replies)")
        }
        let through = results[0].text.flatMap(UInt64.init) ?? 0
        var counts: [String: UInt64] = [:]
        for pair in stride(from: 0, to: flat.count, by: 2) {
            guard let field = flat[pair].text, let value = flat[pair + 1].text.flatMap(UInt64.init) else { continue }
            counts[field] = value
        }
        return (through, counts, results[2].text.flatMap(Int.init) ?? 0)
    }

    /// Stores the room's slow mode (for nodes that open the room later) and tells every node
    /// following the room: `slowmode <seconds>` on its channel, in one transaction.
    public static func setSlowMode(room: String, seconds: Int, on connection: RedisConnection) throws(RedisError) {
        let replies = try connection.pipeline([
            [Array("MULTI".utf8)], [Array("SET".utf8), Array(slowModeKey(room).utf8), Array(String(seconds).utf8)],
            [Array("SPUBLISH".utf8), Array(channel(room).utf8), Array("slowmode \(seconds)".utf8)],
            [Array("EXEC".utf8)],
        ])
        guard replies.last?.elements?.count == 2 else {
            throw .unexpectedReply(connection.endpoint, command: "MULTI SET SPUBLISH EXEC", reply: "\(replies)")
        }
    }

    /// A slow mode change pushed on a subscribed connection: `smessage <channel> "slowmode <n>"`.
    public static func slowMode(_ push: RedisReply) -> (room: String, seconds: Int)? {
        guard let parts = push.elements, parts.count == 3, parts[0].text == "smessage",
            let channel = parts[1].text, let room = room(ofChannel: channel), let payload = parts[2].text,
            payload.hasPrefix("slowmode "), let seconds = Int(payload.dropFirst("slowmode ".count))
        else { return nil }
        return (room, seconds)
    }

    /// The room's counts as the scripts added them: field → total.
    public static func counts(room: String, on connection: RedisConnection) throws(RedisError) -> [String: UInt64] {
        try snapshot(room: room, on: connection).counts
    }

    /// The room's batches whose last number is after `since`, oldest first, at most `limit`:
    /// each with the number of its last message (the stream ID) and its bytes.
    public static func read(
        room: String, after since: UInt64, limit: Int, on connection: RedisConnection
    ) throws(RedisError) -> [(last: UInt64, bytes: [UInt8])] {
        let reply = try connection.command([
            "XRANGE", streamKey(room), "\(since &+ 1)-0", "+", "COUNT", "\(limit)",
        ])
        guard let entries = reply.elements else {
            throw .unexpectedReply(connection.endpoint, command: "XRANGE", reply: "\(reply)")
        }
        var batches: [(last: UInt64, bytes: [UInt8])] = []
        for entry in entries {
            guard let parts = entry.elements, parts.count == 2, let id = parts[0].text,
                let last = UInt64(id.prefix(while: { $0 != "-" })), let fields = parts[1].elements,
                fields.count == 2, let bytes = fields[1].bytes
            else {
                throw .unexpectedReply(connection.endpoint, command: "XRANGE", reply: "\(entry)")
            }
            batches.append((last, bytes))
        }
        return batches
    }

    /// A message pushed on a subscribed connection, if it is a room batch:
    /// `smessage <channel> "<first> <batch bytes>"`.
    public static func published(_ push: RedisReply) -> (room: String, first: UInt64, bytes: [UInt8])? {
        guard let parts = push.elements, parts.count == 3, parts[0].text == "smessage",
            let channel = parts[1].text, let room = room(ofChannel: channel), let payload = parts[2].bytes,
            let space = payload.firstIndex(of: UInt8(ascii: " ")),
            let first = UInt64(String(decoding: payload[..<space], as: UTF8.self))
        else { return nil }
        return (room, first, Array(payload[(space + 1)...]))
    }

    /// The room whose subscription a reply confirms: `ssubscribe <channel> <count>`.
    public static func subscribed(_ reply: RedisReply) -> String? {
        guard let parts = reply.elements, parts.count == 3, parts[0].text == "ssubscribe", let channel = parts[1].text
        else { return nil }
        return room(ofChannel: channel)
    }

    static let digest = RedisScript.sha1Hex(source)
}
