/// Members per room across nodes, in Redis: each node writes its own count of a room's viewers
/// and consoles with an expiry, and reads the sum over the nodes that have not expired, in one
/// script per room. A node that dies stops writing, and after `ttlMs` it no longer counts.
public enum RoomPresence {
    /// KEYS: counts (hash: node → "viewers consoles"), expiries (sorted set: node → ms).
    /// ARGV: node, its "viewers consoles" (empty: it has none now), now (ms), time to live (ms).
    /// Returns {viewers, consoles} over live nodes.
    static let source = """
        local now = tonumber(ARGV[3])
        local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
        if #dead > 0 then
          redis.call('HDEL', KEYS[1], unpack(dead))
          redis.call('ZREM', KEYS[2], unpack(dead))
        end
        if ARGV[2] == '' then
          redis.call('HDEL', KEYS[1], ARGV[1])
          redis.call('ZREM', KEYS[2], ARGV[1])
        else
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
        end
        local viewers, consoles = 0, 0
        for _, value in ipairs(redis.call('HVALS', KEYS[1])) do
          local space = string.find(value, ' ')
          viewers = viewers + tonumber(string.sub(value, 1, space - 1))
          consoles = consoles + tonumber(string.sub(value, space + 1))
        end
        return {viewers, consoles}
        """

    static let digest = RedisScript.sha1Hex(source)

    public static func countsKey(_ room: String) -> String { "chorus:{\(room)}:presence" }
    static func expiryKey(_ room: String) -> String { "chorus:{\(room)}:presence-expiry" }

    /// Writes this node's members of `room` (nil: none) and returns every live node's sum.
    public static func update(
        room: String, node: String, members: (viewers: Int, consoles: Int)?, nowMs: Int64, ttlMs: Int64,
        on connection: RedisConnection
    ) throws(RedisError) -> (viewers: Int, consoles: Int) {
        let value = members.map { "\($0.viewers) \($0.consoles)" } ?? ""
        let arguments: [[UInt8]] = [
            Array("2".utf8), Array(countsKey(room).utf8), Array(expiryKey(room).utf8), Array(node.utf8),
            Array(value.utf8), Array(String(nowMs).utf8), Array(String(ttlMs).utf8),
        ]
        let reply = try RedisScript.run(source, digest: digest, arguments: arguments, on: connection)
        guard let sums = reply.elements?.compactMap(\.integer), sums.count == 2 else {
            throw .unexpectedReply(connection.endpoint, command: "presence", reply: "\(reply)")
        }
        return (Int(sums[0]), Int(sums[1]))
    }
}
