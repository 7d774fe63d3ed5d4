import ChorusCluster
import ChorusCore
import Testing

@Suite struct RedisConnectionTests {
    @Test func commandsRepliesAndPipelines() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        #expect(try redis.command(["SET", "k", "v"]) == .status("OK"))
        #expect(try redis.command(["GET", "k"]) == .string(Array("v".utf8)))
        #expect(try redis.command(["GET", "missing"]) == .null)
        #expect(try redis.command(["INCRBY", "n", "5"]) == .integer(5))
        let binary: [UInt8] = [0, 255, 10, 13, 32]
        try redis.command([Array("SET".utf8), Array("b".utf8), binary], name: "SET")
        #expect(try redis.command(["GET", "b"]).bytes == binary)
        let replies = try redis.pipeline([
            [Array("INCR".utf8), Array("n".utf8)], [Array("LPUSH".utf8), Array("k".utf8)],
        ])
        #expect(replies[0] == .integer(6))
        #expect(replies[1].text == nil)
        guard case .error(let message) = replies[1] else {
            Issue.record("LPUSH on a string must be refused, got \(replies[1])")
            return
        }
        #expect(message.hasPrefix("ERR") || message.hasPrefix("WRONGTYPE"))
    }

    @Test func anErrorReplyIsThrownWithTheCommandAndItsCode() throws {
        let server = try RedisServer()
        let redis = try server.connect()
        do {
            try redis.command(["EVALSHA", String(repeating: "0", count: 40), "0"])
            Issue.record("an unknown script must be refused")
        } catch {
            #expect(error.errorCode == "NOSCRIPT")
            #expect("\(error)".contains("EVALSHA refused by redis://127.0.0.1:\(server.port)"))
        }
    }

    @Test func aServerThatIsNotThereIsAConnectError() throws {
        let port: Int
        do {
            let server = try RedisServer()
            port = server.port
        }
        #expect(throws: RedisError.self) { try RedisConnection(RedisEndpoint(host: "127.0.0.1", port: port)) }
    }

    @Test func aPasswordIsSentAndAWrongOneRefused() throws {
        let server = try RedisServer(arguments: ["--requirepass", "s3cret"])
        let good = try RedisConnection(RedisEndpoint(host: "127.0.0.1", port: server.port, password: "s3cret"))
        #expect(try good.command(["PING"]) == .status("PONG"))
        #expect(throws: RedisError.self) {
            try RedisConnection(RedisEndpoint(host: "127.0.0.1", port: server.port, password: "wrong"))
        }
    }

    @Test func endpointsParseFromURLs() throws {
        #expect(try RedisEndpoint.parse("redis://10.0.0.5:7000").get() == RedisEndpoint(host: "10.0.0.5", port: 7000))
        #expect(try RedisEndpoint.parse("redis://cache").get() == RedisEndpoint(host: "cache", port: 6379))
        let withPassword = try RedisEndpoint.parse("redis://:pw@cache:6380/").get()
        #expect(withPassword == RedisEndpoint(host: "cache", port: 6380, password: "pw"))
        #expect(withPassword.description == "redis://:***@cache:6380")
        for bad in ["http://x", "redis://", "redis://h:0", "redis://h:70000", "redis://user:pw@h", "redis://h/2"] {
            #expect(throws: RedisEndpointError.self, "\(bad)") { try RedisEndpoint.parse(bad).get() }
        }
        #expect(!"\(try #require(RedisEndpoint.parse("redis://:pw@h:x").failure))".contains("pw"))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
