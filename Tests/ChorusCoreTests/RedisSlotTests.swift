import Testing

@testable import ChorusCore

@Suite struct RedisSlotTests {
    /// Values from the Redis Cluster specification and `CLUSTER KEYSLOT` on Redis 7.0.
    @Test func matchesRedis() {
        #expect(RedisSlot.crc16(Array("123456789".utf8)[...]) == 0x31C3)
        #expect(RedisSlot.of("foo") == 12_182)
        #expect(RedisSlot.of("bar") == 5_061)
        #expect(RedisSlot.of("") == 0)
    }

    @Test func aHashTagDecidesTheSlot() {
        #expect(RedisSlot.of("chorus:{show}:seq") == RedisSlot.of("show"))
        #expect(RedisSlot.of("chorus:{show}:log") == RedisSlot.of("chorus:{show}:live"))
        #expect(RedisSlot.of("{}x") == RedisSlot.of(Array("{}x".utf8)), "an empty tag hashes the whole key")
        #expect(RedisSlot.of("a{b}{c}") == RedisSlot.of("b"), "the first tag")
    }
}
