import CChorusCrypto

/// Runs a Lua script by its SHA-1 (`EVALSHA`), loading it once (`EVAL`) wherever Redis does not
/// know it yet (a new or restarted server, another shard).
enum RedisScript {
    static func run(
        _ source: String, digest: String, arguments: [[UInt8]], on connection: RedisConnection
    ) throws(RedisError) -> RedisReply {
        do {
            return try connection.command([Array("EVALSHA".utf8), Array(digest.utf8)] + arguments, name: "EVALSHA")
        } catch let error where error.errorCode == "NOSCRIPT" {
            return try connection.command([Array("EVAL".utf8), Array(source.utf8)] + arguments, name: "EVAL")
        }
    }

    static func sha1Hex(_ source: String) -> String {
        var digest = [UInt8](repeating: 0, count: 20)
        let bytes = Array(source.utf8)
        let status = bytes.withUnsafeBytes { chorus_sha1($0.baseAddress, $0.count, &digest) }
        precondition(status == 0, "SHA-1 failed")
        let hex = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0xF)]] }, as: UTF8.self)
    }
}
