/// Caps how many library log lines are written per second, so a client that makes the
/// library complain on every byte cannot flood the log (issue 20: 37,966 lines from one
/// connection). Lines over the cap are counted; the first line written in a later second
/// carries the count so the caller can write one summary line before it.
///
/// Sans-I/O: the time is passed in as monotonic nanoseconds.
public struct LogLineLimiter: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        /// Write the line; `suppressedBefore` lines were dropped since the last one written.
        case write(suppressedBefore: Int)
        case suppress
    }

    public var linesPerSecond: Int
    private var second: UInt64 = .max
    private var writtenThisSecond = 0
    private var suppressed = 0

    public init(linesPerSecond: Int) {
        self.linesPerSecond = max(1, linesPerSecond)
    }

    public mutating func admit(now: UInt64) -> Decision {
        let current = now / 1_000_000_000
        if current != second {
            second = current
            writtenThisSecond = 0
        }
        guard writtenThisSecond < linesPerSecond else {
            suppressed += 1
            return .suppress
        }
        writtenThisSecond += 1
        defer { suppressed = 0 }
        return .write(suppressedBefore: suppressed)
    }
}
