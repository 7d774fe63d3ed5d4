/// The idempotency keys of recently accepted interactions, so that a client retrying after a
/// reconnect (it never saw the ack) is answered with the first attempt's `seq` instead of
/// being counted twice.
///
/// Keys live for `windowMs` of wall-clock time (wall, not monotonic, because committed
/// keys are stored and reloaded after a restart) and at most `capacity` are kept: past it the
/// oldest go first, which shortens the window under extreme load (counted in
/// `evictedEarly` so operators can raise the capacity).
public struct IdempotencyWindow: Sendable {
    /// Keys are unique within a room; anonymous viewers get a new user name per connection,
    /// so the user cannot be part of the key.
    public struct Key: Hashable, Sendable {
        public var room: String
        public var key: String

        public init(room: String, key: String) {
            self.room = room
            self.key = key
        }
    }

    /// A key with the sequence number its interaction got and when it stops counting.
    public struct Record: Sendable, Equatable {
        public var room: String
        public var key: String
        public var seq: UInt64
        public var expiresAtMs: Int64

        public init(room: String, key: String, seq: UInt64, expiresAtMs: Int64) {
            self.room = room
            self.key = key
            self.seq = seq
            self.expiresAtMs = expiresAtMs
        }
    }

    public let windowMs: Int64
    public let capacity: Int
    private var seqs: [Key: UInt64] = [:]
    /// Insertion order (= expiry order, since every key lives equally long); `head` is the
    /// oldest live entry, the array is compacted when half of it is dead.
    private var order: [(key: Key, expiresAtMs: Int64)] = []
    private var head = 0
    public private(set) var evictedEarly: UInt64 = 0

    public init(windowMs: Int64, capacity: Int) {
        self.windowMs = windowMs
        self.capacity = max(1, capacity)
    }

    public var count: Int { seqs.count }

    /// The seq of an earlier interaction with this key, if it is still inside the window.
    public mutating func earlierSeq(of key: Key, nowMs: Int64) -> UInt64? {
        expire(nowMs: nowMs)
        return seqs[key]
    }

    /// Remembers an accepted interaction's key; returns the record to store with its counts.
    @discardableResult
    public mutating func remember(_ key: Key, seq: UInt64, nowMs: Int64) -> Record {
        expire(nowMs: nowMs)
        let expires = nowMs + windowMs
        insert(key, seq: seq, expiresAtMs: expires)
        return Record(room: key.room, key: key.key, seq: seq, expiresAtMs: expires)
    }

    /// Start-up: keys stored by earlier runs, oldest first.
    public mutating func restore(_ records: [Record], nowMs: Int64) {
        for record in records where record.expiresAtMs > nowMs {
            insert(Key(room: record.room, key: record.key), seq: record.seq, expiresAtMs: record.expiresAtMs)
        }
    }

    private mutating func insert(_ key: Key, seq: UInt64, expiresAtMs: Int64) {
        guard seqs.updateValue(seq, forKey: key) == nil else { return }
        order.append((key, expiresAtMs))
        while seqs.count > capacity, head < order.count {
            seqs[order[head].key] = nil
            head += 1
            evictedEarly += 1
        }
        compactIfNeeded()
    }

    private mutating func expire(nowMs: Int64) {
        while head < order.count, order[head].expiresAtMs <= nowMs {
            seqs[order[head].key] = nil
            head += 1
        }
        compactIfNeeded()
    }

    private mutating func compactIfNeeded() {
        if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
