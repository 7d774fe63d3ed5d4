import Histogram

/// What the recorder counts for one step of a scenario while it runs.
///
/// Deliveries are attributed to the step their message was *sent* in (the message index in the
/// `cid` says which), so late deliveries during the next step's drain still count where they
/// belong.
struct StepCounters {
    /// Index of the first message sent in this step.
    let firstIndex: Int
    var sent = 0
    /// Messages seen in any batch (by a viewer or by a publisher).
    var accepted = 0
    /// Sum over accepted messages of the viewers in the message's room when it was accepted.
    var expected = 0
    /// Deliveries of this step's messages to viewers.
    var received = 0
    /// Publishers receiving their own message back (the probe round trip in `hold`).
    var echoed = 0
    /// Payload bytes of all frames received by all connections during the step.
    var bytesReceived = 0
    /// Server `error` frames (e.g. a chat message rejected) during the step.
    var serverErrors = 0
    /// Batches whose message count does not match `to - from + 1`.
    var malformedBatches = 0
    /// Viewer delivery latency, microseconds.
    var latency = Self.makeHistogram()
    /// Publisher round-trip latency (own message back), microseconds.
    var echoLatency = Self.makeHistogram()

    init(firstIndex: Int) {
        self.firstIndex = firstIndex
    }

    /// Latencies up to 10 minutes at 3 significant digits (1 µs resolution below 1 ms).
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000,
            numberOfSignificantValueDigits: .three)
    }

    static func clampMicroseconds(_ nanoseconds: UInt64) -> UInt64 {
        min(max(nanoseconds / 1_000, 1), 600_000_000)
    }
}
