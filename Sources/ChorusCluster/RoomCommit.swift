/// What a room's batch adds besides its messages, in the same atomic step: count increments
/// (hash field → delta; the node names the cells) and the idempotency keys of its messages
/// (by index in the batch), remembered for `idempotencyWindowMs` from `nowMs`.
public struct RoomCommit: Sendable {
    public var increments: [(field: String, delta: UInt64)]
    public var idempotencyKeys: [(index: Int, key: String)]
    public var nowMs: Int64
    public var idempotencyWindowMs: Int64
    /// Names this batch across retries (the node and its own count): Redis stores a batch
    /// once, and answers a retry with the numbers it already gave it.
    public var batchID: String

    public init(
        increments: [(field: String, delta: UInt64)] = [], idempotencyKeys: [(index: Int, key: String)] = [],
        nowMs: Int64 = 0, idempotencyWindowMs: Int64 = 300_000, batchID: String = RoomCommit.uniqueID()
    ) {
        self.batchID = batchID
        self.increments = increments
        self.idempotencyKeys = idempotencyKeys
        self.nowMs = nowMs
        self.idempotencyWindowMs = idempotencyWindowMs
    }

    /// A fresh batch ID for callers that do not retry (tests).
    public static func uniqueID() -> String {
        "\(UInt64.random(in: 0...UInt64.max))"
    }
}
