/// A room's shared log in Redis, kept by one Lua script so numbering, history and delivery
/// cannot disagree: the script takes the batch's numbers from the room's counter, appends the
/// batch to the room's stream under the ID of its last number, trims the stream to the history
/// it must keep and publishes the batch with its first number on the room's shard channel —
/// all in one atomic step. Every key and the channel carry the room as hash tag (`{room}`),
/// so on Redis Cluster they live in one slot and the script runs on one shard.
public enum RoomLog {
    /// KEYS: counter, stream, channel (declared as a key so Redis Cluster routes the shard
    /// channel with the slot). ARGV: message count, batch bytes, messages of history to keep,
    /// the highest number the calling node has seen in the room (the counter never restarts
    /// below it, even if Redis lost its data).
    static let source = """
        local count = tonumber(ARGV[1])
        local floor = tonumber(ARGV[4])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current < floor then
          redis.call('SET', KEYS[1], floor)
        end
        local last = redis.call('INCRBY', KEYS[1], count)
        local first = last - count + 1
        local keep = tonumber(ARGV[3])
        local minimum = last - keep + 1
        if minimum < 1 then minimum = 1 end
        redis.call('XADD', KEYS[2], 'MINID', '~', minimum, last .. '-0', 'b', ARGV[2])
        redis.call('SPUBLISH', KEYS[3], first .. ' ' .. ARGV[2])
        return {first, last}
        """

    public static func counterKey(_ room: String) -> String { "chorus:{\(room)}:seq" }
    public static func streamKey(_ room: String) -> String { "chorus:{\(room)}:log" }
    public static func channel(_ room: String) -> String { "chorus:{\(room)}:live" }

    /// The room a channel belongs to (what `channel` made), or nil.
    public static func room(ofChannel channel: String) -> String? {
        guard channel.hasPrefix("chorus:{"), channel.hasSuffix("}:live") else { return nil }
        return String(channel.dropFirst("chorus:{".count).dropLast("}:live".count))
    }

    /// Numbers `batch` (encoded by `ClusterBatchCodec`, `count` messages), appends it to the
    /// room's history (keeping at least `keepMessages`) and publishes it. Returns its numbers.
    public static func append(
        _ batch: [UInt8], count: Int, room: String, keepMessages: Int, floor: UInt64,
        on connection: RedisConnection
    ) throws(RedisError) -> ClosedRange<UInt64> {
        precondition(count > 0, "an empty batch has no numbers")
        let arguments: [[UInt8]] = [
            Array("3".utf8), Array(counterKey(room).utf8), Array(streamKey(room).utf8), Array(channel(room).utf8),
            Array(String(count).utf8), batch, Array(String(keepMessages).utf8), Array(String(floor).utf8),
        ]
        let reply = try RedisScript.run(source, digest: digest, arguments: arguments, on: connection)
        guard let numbers = reply.elements, numbers.count == 2, let first = numbers[0].integer,
            let last = numbers[1].integer, first >= 1, last >= first
        else {
            throw .unexpectedReply(connection.endpoint, command: "room log append", reply: "\(reply)")
        }
        return UInt64(first)...UInt64(last)
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

    static let digest = RedisScript.sha1Hex(source)
}
