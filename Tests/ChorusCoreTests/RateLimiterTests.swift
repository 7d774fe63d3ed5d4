import Testing

@testable import ChorusCore

@Suite struct RateLimiterTests {
    static let ms: UInt64 = 1_000_000
    static let second: UInt64 = 1_000_000_000

    /// The defaults, with a close after 3 throttled interactions in 10 s.
    static func policy(throttledBeforeClose: Int = 3) -> InteractionRateLimiter.Policy {
        var config = ChorusConfig()
        config.limits.throttledBeforeClose = throttledBeforeClose
        config.limits.throttleWindowSeconds = 10
        return config.interactionPolicy
    }

    @Test func bucketAllowsItsCapacityAtOnceThenOneTokenPerInterval() {
        let rate = TokenBucket.Rate.perWindow(20, seconds: 30)
        var bucket = TokenBucket()
        let start = 1000 * Self.second
        for _ in 0..<20 { #expect(bucket.take(at: start, rate: rate) == .taken) }
        #expect(bucket.take(at: start, rate: rate) == .empty(retryAfterNanoseconds: 1500 * Self.ms))
        #expect(bucket.take(at: start + 1499 * Self.ms, rate: rate) == .empty(retryAfterNanoseconds: Self.ms))
        #expect(bucket.take(at: start + 1500 * Self.ms, rate: rate) == .taken)
        #expect(bucket.take(at: start + 1500 * Self.ms, rate: rate) == .empty(retryAfterNanoseconds: 1500 * Self.ms))
        // A quiet half minute refills it completely, and no further.
        let later = start + 60 * Self.second
        for _ in 0..<20 { #expect(bucket.take(at: later, rate: rate) == .taken) }
        #expect(bucket.take(at: later, rate: rate) != .taken)
    }

    @Test func bucketRefillsAtItsRateAfterABurst() {
        let rate = TokenBucket.Rate.perSecond(20, burst: 60)
        var bucket = TokenBucket()
        var taken = 0
        // Ten seconds of 100 attempts a second: the burst, then 20 a second.
        for step in 0..<1000 where bucket.take(at: UInt64(step) * 10 * Self.ms, rate: rate) == .taken {
            taken += 1
        }
        #expect(taken == 60 + 20 * 10 - 1)
    }

    @Test func zeroRateMeansNoLimit() {
        let rate = TokenBucket.Rate.perSecond(0, burst: 1)
        #expect(rate.isUnlimited)
        var bucket = TokenBucket()
        for _ in 0..<10_000 { #expect(bucket.take(at: 5, rate: rate) == .taken) }
        var config = ChorusConfig()
        #expect(!config.interactionPolicy.isUnlimited)
        config.limits.chatPerWindow = 0
        config.limits.likesPerSecond = 0
        config.limits.commercePerSecond = 0
        config.limits.giftsPerSecond = 0
        #expect(config.interactionPolicy.isUnlimited)
    }

    @Test func eachKindGroupHasItsOwnBucket() {
        var limiter = InteractionRateLimiter()
        let policy = Self.policy()
        for _ in 0..<20 { #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 0) == .allow) }
        #expect(
            limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 0)
                == .throttle(.rateLimited, retryAfterMs: 1500))
        // Chat being throttled does not touch likes; cart, purchase and coupon share one bucket.
        for _ in 0..<60 { #expect(limiter.admit(.like, policy: policy, slowModeSeconds: 0, now: 0) == .allow) }
        for kind in [InteractionKind.cart, .purchase, .coupon, .cart, .purchase] {
            for _ in 0..<4 { #expect(limiter.admit(kind, policy: policy, slowModeSeconds: 0, now: 0) == .allow) }
        }
        #expect(
            limiter.admit(.coupon, policy: policy, slowModeSeconds: 0, now: 0)
                == .throttle(.rateLimited, retryAfterMs: 200))
        for _ in 0..<20 { #expect(limiter.admit(.gift, policy: policy, slowModeSeconds: 0, now: 0) == .allow) }
    }

    @Test func closesAViewerThatKeepsGoingWhileThrottled() {
        var limiter = InteractionRateLimiter()
        let policy = Self.policy(throttledBeforeClose: 3)
        for _ in 0..<20 { _ = limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 0) }
        for _ in 0..<3 {
            guard case .throttle = limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 0) else {
                Issue.record("expected a throttle before the close")
                return
            }
        }
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 0) == .close)
    }

    @Test func throttledInteractionsAreForgivenAfterTheWindow() {
        var limiter = InteractionRateLimiter()
        var policy = Self.policy(throttledBeforeClose: 3)
        policy.chat = .perWindow(1, seconds: 3600)  // no token comes back during the test
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 0) == .allow)
        for round in 0..<5 {
            // Three throttled per 11 s: never more than three within one 10 s window.
            let now = UInt64(round) * 11 * Self.second
            for _ in 0..<3 {
                #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: now) != .close)
            }
        }
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: 44 * Self.second) == .close)
    }

    @Test func slowModeSpacesOneViewersChatAndLeavesOtherKindsAlone() {
        var limiter = InteractionRateLimiter()
        let policy = Self.policy(throttledBeforeClose: 100)
        let start = 100 * Self.second
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 10, now: start) == .allow)
        #expect(
            limiter.admit(.chat, policy: policy, slowModeSeconds: 10, now: start + 2500 * Self.ms)
                == .throttle(.slowMode, retryAfterMs: 7500))
        #expect(limiter.admit(.like, policy: policy, slowModeSeconds: 10, now: start + 3 * Self.second) == .allow)
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 10, now: start + 10 * Self.second) == .allow)
        // Refused messages spent no chat token and did not restart the interval; off means off.
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 0, now: start + 10 * Self.second) == .allow)
    }

    @Test func slowModeCountsTowardsTheClose() {
        var limiter = InteractionRateLimiter()
        let policy = Self.policy(throttledBeforeClose: 2)
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 30, now: 0) == .allow)
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 30, now: 1) != .close)
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 30, now: 2) != .close)
        #expect(limiter.admit(.chat, policy: policy, slowModeSeconds: 30, now: 3) == .close)
    }
}
