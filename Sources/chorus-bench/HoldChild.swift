import Glibc

/// The body of a `hold` child: hold a slice of viewers until the parent closes our stdin.
///
/// Children count the parent's probe messages (same run id) so the parent can report the
/// probe fan-out over every held connection, not only its own.
struct HoldChild {
    var endpoint: LoopbackEndpoint
    var room: String
    var connections: Int
    var runID: UInt16
    var index: Int
    var pool: ConnectionPool.Options
    var connectTimeoutSeconds: Double
    var deadlineSeconds: Double

    func run() throws(BenchError) {
        let deadline = MonotonicClock.now() + UInt64(deadlineSeconds * 1e9)
        let recorder = DeliveryRecorder(run: runID, rooms: 1)
        recorder.countsForeignMessages = true
        recorder.beginStep()
        let pool = try ConnectionPool(endpoint: endpoint, options: pool, delegate: recorder)
        for number in 0..<connections {
            let path = ConnectPhase.viewerPath(room: room, user: "bench-h\(index)-\(number)")
            pool.add(tag: ConnectionTag.make(room: 0, isPublisher: false), path: path)
        }
        var progress = ProgressLine()
        progress.isEnabled = false
        let connect = ConnectPhase.run(
            pool: pool, recorder: recorder, label: "hold child \(index)",
            timeoutSeconds: connectTimeoutSeconds, deadline: deadline, progress: &progress)
        print("READY \(connect.welcomed) \(connect.failed)")
        fflush(nil)
        while MonotonicClock.now() < deadline && !pool.loop.interrupted && !Self.parentReleased() {
            pool.pump(timeoutMs: 50)
        }
        let counters = recorder.steps[recorder.steps.count - 1]
        let sequence = recorder.viewerSequenceTotals().counters
        let report = HoldChildReport(
            welcomed: connect.welcomed, failures: pool.failures,
            dropped: recorder.droppedAfterWelcome, received: counters.received,
            p99Ms: StepReport.milliseconds(counters.latency, percentile: 99),
            maxMs: StepReport.maxMs(counters.latency), gapSeqs: sequence.gapSeqs,
            missedSeqs: sequence.missedSeqs)
        pool.closeAll()
        ReportPrinter.printResult(report, prefix: "CHILD ")
    }

    /// True once stdin (the parent's pipe) is at EOF.
    private static func parentReleased() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) <= 0
    }
}
