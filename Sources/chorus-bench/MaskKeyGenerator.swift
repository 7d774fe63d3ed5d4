/// Client frame masking keys: xorshift64*.
///
/// Masking keys only need to vary, not to be secret (RFC 6455 §10.3 is about browsers talking to
/// proxies; the bench talks to its own daemon on loopback).
struct MaskKeyGenerator {
    private var state: UInt64

    /// Seeded per connection so connections do not share a key sequence.
    init(connectionID: Int, now: UInt64) {
        state = (UInt64(connectionID) &+ 1) &* 0x9E37_79B9_7F4A_7C15 ^ now
    }

    mutating func next() -> UInt32 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return UInt32(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 32)
    }
}
