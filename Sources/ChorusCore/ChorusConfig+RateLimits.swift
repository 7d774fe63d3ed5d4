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

    func validateRateLimits(_ require: (Bool, String, String) throws(ConfigError) -> Void) throws(ConfigError) {
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("limits.maxConnectionsPerIP", limits.maxConnectionsPerIP, 0...1_000_000),
            ("limits.chatPerWindow", limits.chatPerWindow, 0...100_000),
            ("limits.chatWindowSeconds", limits.chatWindowSeconds, 1...3600),
            ("limits.likesPerSecond", limits.likesPerSecond, 0...100_000),
            ("limits.likeBurst", limits.likeBurst, 1...1_000_000),
            ("limits.commercePerSecond", limits.commercePerSecond, 0...100_000),
            ("limits.commerceBurst", limits.commerceBurst, 1...1_000_000),
            ("limits.giftsPerSecond", limits.giftsPerSecond, 0...100_000),
            ("limits.giftBurst", limits.giftBurst, 1...1_000_000),
            ("limits.throttledBeforeClose", limits.throttledBeforeClose, 1...1_000_000),
            ("limits.throttleWindowSeconds", limits.throttleWindowSeconds, 1...3600),
        ]
        for (key, value, range) in ranges {
            try require(range.contains(value), key, "must be in \(range.lowerBound)...\(range.upperBound)")
        }
    }
}
