extension ChorusConfig {
    /// The interaction rates every connection is held to, from `limits`.
    public var interactionPolicy: InteractionRateLimiter.Policy {
        InteractionRateLimiter.Policy(
            chat: .perWindow(limits.chatPerWindow, seconds: limits.chatWindowSeconds),
            like: .perSecond(limits.likesPerSecond, burst: limits.likeBurst),
            commerce: .perSecond(limits.commercePerSecond, burst: limits.commerceBurst),
            gift: .perSecond(limits.giftsPerSecond, burst: limits.giftBurst),
            throttledBeforeClose: limits.throttledBeforeClose,
            abuseWindowNanoseconds: UInt64(limits.throttleWindowSeconds) * 1_000_000_000)
    }
}
