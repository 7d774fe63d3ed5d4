import Testing

@testable import ChorusCore

/// Library log lines capped per second, with the count of the dropped ones carried by the next
/// line written.
@Suite struct LogLineLimiterTests {
    @Test func linesAreCappedPerSecondAndSummarised() {
        var limiter = LogLineLimiter(linesPerSecond: 3)
        let second: UInt64 = 1_000_000_000
        let first = (0..<10).map { limiter.admit(now: 5 * second + UInt64($0)) }
        #expect(first.filter { $0 != .suppress }.count == 3)
        #expect(limiter.admit(now: 6 * second) == .write(suppressedBefore: 7))
        #expect(limiter.admit(now: 6 * second + 1) == .write(suppressedBefore: 0))
    }

    @Test func nothingDroppedNothingReported() {
        var limiter = LogLineLimiter(linesPerSecond: 2)
        #expect(limiter.admit(now: 0) == .write(suppressedBefore: 0))
        #expect(limiter.admit(now: 2_000_000_000) == .write(suppressedBefore: 0))
    }
}
