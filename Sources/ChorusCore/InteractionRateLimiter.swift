/// One connection's interaction rate limits: a token bucket per kind of interaction, the room's
/// slow mode for chat, and the decision to close a viewer that keeps sending while throttled.
///
/// Owned by the connection's service thread; the rates (`Policy`) are shared by every
/// connection and passed in. Sans-I/O: the time is passed in as monotonic nanoseconds.
public struct InteractionRateLimiter: Sendable, Equatable {
    /// The daemon's limits, built once from the configuration.
    public struct Policy: Sendable, Equatable {
        public var chat: TokenBucket.Rate
        public var like: TokenBucket.Rate
        /// Cart, purchase and coupon share one bucket: they are one shopping flow.
        public var commerce: TokenBucket.Rate
        public var gift: TokenBucket.Rate
        /// Throttled interactions tolerated within `abuseWindowNanoseconds`; the next one closes.
        public var throttledBeforeClose: Int
        public var abuseWindowNanoseconds: UInt64

        public init(
            chat: TokenBucket.Rate, like: TokenBucket.Rate, commerce: TokenBucket.Rate, gift: TokenBucket.Rate,
            throttledBeforeClose: Int, abuseWindowNanoseconds: UInt64
        ) {
            self.chat = chat
            self.like = like
            self.commerce = commerce
            self.gift = gift
            self.throttledBeforeClose = throttledBeforeClose
            self.abuseWindowNanoseconds = abuseWindowNanoseconds
        }

        /// Whether no interaction is ever throttled (then no per-connection state is needed).
        public var isUnlimited: Bool {
            chat.isUnlimited && like.isUnlimited && commerce.isUnlimited && gift.isUnlimited
        }
    }

    /// Why an interaction was refused; the raw value is the error frame's `code`.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The connection used up its bucket for this kind of interaction.
        case rateLimited = "rate_limited"
        /// The room is in slow mode and this viewer chatted too recently.
        case slowMode = "slow_mode"
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Refuse this interaction with an error frame; the connection stays open.
        case throttle(Reason, retryAfterMs: Int)
        /// The viewer kept sending while throttled: close the connection.
        case close
    }

    private var chat = TokenBucket()
    private var like = TokenBucket()
    private var commerce = TokenBucket()
    private var gift = TokenBucket()
    /// When this viewer's last accepted chat message arrived (for slow mode); nil: never.
    private var lastChat: UInt64?
    private var throttledInWindow = 0
    private var windowStart: UInt64 = 0

    public init() {}

    /// Decides on one interaction of `kind`. `slowModeSeconds` is the room's slow mode (0: off).
    /// Only an allowed interaction takes a token or counts as the last chat message.
    public mutating func admit(
        _ kind: InteractionKind, policy: Policy, slowModeSeconds: Int, now: UInt64
    ) -> Decision {
        if kind == .chat, slowModeSeconds > 0, let lastChat, now >= lastChat {
            let interval = UInt64(slowModeSeconds) * 1_000_000_000
            let since = now - lastChat
            // Slow mode first, so a refused message does not also spend a chat token.
            if since < interval {
                return throttled(.slowMode, waitNanoseconds: interval - since, policy: policy, now: now)
            }
        }
        let outcome: TokenBucket.Outcome
        switch kind {
        case .chat: outcome = chat.take(at: now, rate: policy.chat)
        case .like: outcome = like.take(at: now, rate: policy.like)
        case .cart, .purchase, .coupon: outcome = commerce.take(at: now, rate: policy.commerce)
        case .gift: outcome = gift.take(at: now, rate: policy.gift)
        }
        switch outcome {
        case .taken:
            if kind == .chat { lastChat = now }
            return .allow
        case .empty(let wait):
            return throttled(.rateLimited, waitNanoseconds: wait, policy: policy, now: now)
        }
    }

    /// Counts a throttled interaction in a fixed window that starts at the first one after the
    /// previous window ended; one too many in a window means the viewer ignores the errors.
    private mutating func throttled(_ reason: Reason, waitNanoseconds: UInt64, policy: Policy, now: UInt64)
        -> Decision
    {
        // `&-`: a clock that stepped back starts a new window instead of trapping.
        if throttledInWindow == 0 || now &- windowStart >= policy.abuseWindowNanoseconds {
            windowStart = now
            throttledInWindow = 0
        }
        throttledInWindow += 1
        if throttledInWindow > policy.throttledBeforeClose { return .close }
        // Rounded up: retrying after the advertised time must succeed.
        let milliseconds = (waitNanoseconds + 999_999) / 1_000_000
        return .throttle(reason, retryAfterMs: Int(milliseconds))
    }
}
