import ArgumentParser
import Glibc

/// `floor`: the kernel's cost per loopback TCP send and receive on this machine, with no
/// WebSocket and no server, so a daemon's CPU can be split into the bare system calls and
/// everything above them.
struct FloorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Measure the kernel's CPU cost per loopback TCP send and receive (no WebSocket, no server).",
        discussion: """
            Opens N loopback TCP pairs. A writer thread pinned to --writer-cpu sends --bytes to \
            each pair round-robin at --rate writes/s in 1 ms ticks (TCP_NODELAY, MSG_DONTWAIT); \
            a reader thread pinned to --reader-cpu drains the other ends with epoll. Reports the \
            writer thread's user+system CPU (RUSAGE_THREAD) as % of a core and µs per write, the \
            reader's the same way (what a server that only receives pays: epoll, reads, ACKs), and \
            fails unless the reader received every byte sent. Needs 2 descriptors per connection.
            """)

    @Option(help: "Loopback TCP connection pairs.")
    var connections = 4_000

    @Option(help: "Writes per second over all connections.")
    var rate = 20_000

    @Option(help: "Bytes per write.")
    var bytes = 250

    @Option(help: "Seconds to send for, per repetition.")
    var seconds: Double = 10

    @Option(help: "CPU the writer thread is pinned to.")
    var writerCPU = 0

    @Option(help: "CPU the reader thread is pinned to.")
    var readerCPU = 1

    @Flag(help: "The reader polls without sleeping, so no send has to wake it (see chorus-bench's --spin).")
    var readerSpin = false

    @Option(help: "Repetitions of the measurement (the median is reported too).")
    var `repeat` = 1

    /// One send must fit the socket buffer whole, or MSG_DONTWAIT turns it into a short write.
    private static let maxBytes = 65_536

    func run() throws {
        try validateOptions()
        let limit = ResourceLimits.raiseDescriptorLimit()
        guard 2 * connections <= ResourceLimits.maxConnections else {
            throw BenchError.invalidOption(
                name: "--connections",
                reason: "\(connections) pairs need \(2 * connections) descriptors but RLIMIT_NOFILE is \(limit) "
                    + "(\(ResourceLimits.reservedDescriptors) kept in reserve); raise ulimit -n or lower it")
        }
        let options = LoopbackFloor.Options(
            connections: connections, rate: rate, bytes: bytes, seconds: seconds, writerCPU: writerCPU,
            readerCPU: readerCPU, readerSpins: readerSpin)
        let setupStart = MonotonicClock.now()
        let floor = try LoopbackFloor(options: options)
        let setupSeconds = MonotonicClock.seconds(from: setupStart, to: MonotonicClock.now())
        print(
            "floor: \(connections) loopback TCP pairs, \(rate) writes/s × \(bytes) B for "
                + "\(Format.fixed(seconds, 1)) s; writer on CPU \(writerCPU), reader on CPU \(readerCPU); "
                + "connected in \(Format.fixed(setupSeconds, 2)) s")
        if writerCPU == readerCPU {
            ProgressLine.writeStandardError(
                "note: writer and reader share CPU \(writerCPU); figures are not comparable to a two-CPU run\n")
        }
        fflush(nil)

        var runs: [LoopbackFloor.Run] = []
        for index in 1...self.repeat {
            let run = try floor.measure()
            runs.append(run)
            print(
                "run \(index)/\(self.repeat): " + summary(cpuPercent: run.writerCPUPercent, micros: run.microsPerWrite)
                    + " (\(run.writes) writes in \(Format.fixed(run.wallSeconds, 2)) s, "
                    + "\(run.failedSends) failed sends; reader got \(run.receivedBytes)/\(run.expectedBytes) bytes "
                    + (run.verified ? "ok)" : "MISMATCH)"))
            print(
                "  reader CPU \(Format.fixed(run.readerCPUPercent, 1))% = \(Format.fixed(run.readerMicrosPerWrite, 2)) "
                    + "us/write, \(Format.fixed(Double(run.writes) / Double(max(run.reads, 1)), 2)) writes per read")
            fflush(nil)
        }

        let report = FloorReport(
            connections: connections, rate: rate, bytes: bytes, seconds: seconds, writerCPU: writerCPU,
            readerCPU: readerCPU, readerSpins: readerSpin, repeat: self.repeat, runs: runs,
            medianWriterCPUPercent: Format.round(Self.median(runs.map(\.writerCPUPercent)), 2),
            medianMicrosPerWrite: Format.round(Self.median(runs.map(\.microsPerWrite)), 3),
            medianReaderCPUPercent: Format.round(Self.median(runs.map(\.readerCPUPercent)), 2),
            medianReaderMicrosPerWrite: Format.round(Self.median(runs.map(\.readerMicrosPerWrite)), 3),
            verified: runs.allSatisfy(\.verified))
        print(
            "median of \(runs.count): "
                + summary(cpuPercent: report.medianWriterCPUPercent, micros: report.medianMicrosPerWrite)
                + "; reader CPU \(Format.fixed(report.medianReaderCPUPercent, 1))% = "
                + "\(Format.fixed(report.medianReaderMicrosPerWrite, 2)) us/write")
        ReportPrinter.printResult(report)
        guard report.verified else {
            let bad = runs.enumerated().filter { !$0.element.verified }.map { "\($0.offset + 1)" }
            throw BenchError.verificationFailed(
                reason: "run(s) \(bad.joined(separator: ", ")): the reader did not receive exactly writes × bytes")
        }
    }

    /// The C reference tool's wording, so the two outputs can be compared line by line.
    private func summary(cpuPercent: Double, micros: Double) -> String {
        "conns \(connections) rate \(rate) bytes \(bytes): writer CPU \(Format.fixed(cpuPercent, 1))% = "
            + "\(Format.fixed(micros, 2)) us/write"
    }

    private func validateOptions() throws(BenchError) {
        guard connections >= 1 else {
            throw .invalidOption(name: "--connections", reason: "must be ≥ 1, got \(connections)")
        }
        guard rate >= 1, rate <= 10_000_000 else {
            throw .invalidOption(name: "--rate", reason: "must be 1–10,000,000 writes/s, got \(rate)")
        }
        guard bytes >= 1, bytes <= Self.maxBytes else {
            throw .invalidOption(name: "--bytes", reason: "must be 1–\(Self.maxBytes), got \(bytes)")
        }
        guard seconds > 0, seconds <= 3_600, Double(rate) * seconds >= 1 else {
            throw .invalidOption(name: "--seconds", reason: "must be in (0, 3600] and allow one write, got \(seconds)")
        }
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))
        for (name, cpu) in [("--writer-cpu", writerCPU), ("--reader-cpu", readerCPU)] where cpu < 0 || cpu >= cpus {
            throw .invalidOption(name: name, reason: "CPU \(cpu) does not exist; this machine has CPUs 0–\(cpus - 1)")
        }
        guard self.repeat >= 1, self.repeat <= 100 else {
            throw .invalidOption(name: "--repeat", reason: "must be 1–100, got \(self.repeat)")
        }
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// The `RESULT` line of `floor`: the options, every repetition and the medians.
struct FloorReport: Codable {
    var scenario = "floor"
    var connections: Int
    var rate: Int
    var bytes: Int
    var seconds: Double
    var writerCPU: Int
    var readerCPU: Int
    var readerSpins: Bool
    var `repeat`: Int
    var runs: [LoopbackFloor.Run]
    var medianWriterCPUPercent: Double
    var medianMicrosPerWrite: Double
    var medianReaderCPUPercent: Double
    var medianReaderMicrosPerWrite: Double
    /// Every run's reader received exactly writes × bytes.
    var verified: Bool
}
