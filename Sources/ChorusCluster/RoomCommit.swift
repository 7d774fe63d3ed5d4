/// What a room's batch adds besides its messages, in the same atomic step: count increments
/// (hash field → delta; the node names the cells) and the idempotency keys of its messages
/// (by index in the batch), remembered for `idempotencyWindowMs` from `nowMs`.
public struct RoomCommit: Sendable {
    public var increments: [(field: String, delta: UInt64)]
    public var idempotencyKeys: [(index: Int, key: String)]
    public var nowMs: Int64
    public var idempotencyWindowMs: Int64

    public init(
        increments: [(field: String, delta: UInt64)] = [], idempotencyKeys: [(index: Int, key: String)] = [],
        nowMs: Int64 = 0, idempotencyWindowMs: Int64 = 300_000
    ) {
        self.increments = increments
        self.idempotencyKeys = idempotencyKeys
        self.nowMs = nowMs
        self.idempotencyWindowMs = idempotencyWindowMs
    }
}
