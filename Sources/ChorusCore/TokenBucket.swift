/// A token bucket: up to `capacity` takes at once, then one more per refill interval.
///
/// Kept as the moment the bucket will be full again (the "theoretical arrival time" of the
/// generic cell rate algorithm), one integer instead of a token count and a refill time: exact,
/// no floating point, and 8 bytes per bucket, because every viewer that sends anything has four.
/// The rate is not stored here: it is the same for every connection, so callers pass it in.
///
/// Sans-I/O: the time is passed in as monotonic nanoseconds.
public struct TokenBucket: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        /// Takes allowed in a burst from a full bucket.
        public var capacity: Int
        /// Time to earn one token back; 0 means no limit.
        public var refillNanoseconds: UInt64

        public init(capacity: Int, refillNanoseconds: UInt64) {
            self.capacity = max(1, capacity)
            self.refillNanoseconds = refillNanoseconds
        }

        /// `count` takes per `seconds`, all of which may come at once (chat: 20 per 30 s).
        /// A count of 0 means no limit.
        public static func perWindow(_ count: Int, seconds: Int) -> Rate {
            guard count > 0 else { return .unlimited }
            return Rate(capacity: count, refillNanoseconds: UInt64(seconds) * 1_000_000_000 / UInt64(count))
        }

        /// `perSecond` takes a second on average, bursts of up to `burst`. 0 means no limit.
        public static func perSecond(_ perSecond: Int, burst: Int) -> Rate {
            guard perSecond > 0 else { return .unlimited }
            return Rate(capacity: burst, refillNanoseconds: 1_000_000_000 / UInt64(perSecond))
        }

        public static let unlimited = Rate(capacity: 1, refillNanoseconds: 0)

        public var isUnlimited: Bool { refillNanoseconds == 0 }
    }

    public enum Outcome: Sendable, Equatable {
        case taken
        /// Nothing was taken; a token will be there in this many nanoseconds.
        case empty(retryAfterNanoseconds: UInt64)
    }

    /// When the bucket is full again; at or before `now` means full. 0: full from the start.
    private var fullAt: UInt64 = 0

    public init() {}

    public mutating func take(at now: UInt64, rate: Rate) -> Outcome {
        let start = max(fullAt, now)
        // The bucket may run at most `capacity - 1` intervals ahead of now before this take.
        let tolerance = UInt64(rate.capacity - 1) * rate.refillNanoseconds
        let ahead = start - now
        guard ahead <= tolerance else {
            return .empty(retryAfterNanoseconds: ahead - tolerance)
        }
        fullAt = start + rate.refillNanoseconds
        return .taken
    }
}
