import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`.
///
/// Every latency the bench reports is a difference of two readings of this clock: the send time
/// is embedded in the chat `cid` and the receipt time is taken when the frame is read. The clock
/// is system-wide, so readings from child processes (`hold --processes`) are comparable too.
enum MonotonicClock {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Seconds between two readings, for rates and progress output.
    static func seconds(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) / 1e9 : 0
    }
}
