import Glibc
import Synchronization

/// N loopback TCP pairs, a pinned writer thread that only calls `send()` on them and a pinned
/// reader thread that drains them: the kernel's cost per loopback send, and per receive, with no
/// WebSocket framing and no server in the way.
///
/// On loopback the receive side (TCP input, waking the reader) runs in the sender's softirq, so
/// the writer's CPU is the whole kernel path a daemon pays per write; the reader sits on another
/// CPU so that its own reads are not billed to the writer. The reader's CPU is, the other way
/// round, what a server that only receives pays: `epoll_wait`, the reads and the ACKs they send.
final class LoopbackFloor {
    struct Options {
        var connections: Int
        /// Writes per second over all connections, round-robin.
        var rate: Int
        var bytes: Int
        var seconds: Double
        var writerCPU: Int
        var readerCPU: Int
        /// Poll with a zero timeout: the writer's sends then never wake the reader.
        var readerSpins = false
    }

    /// One measurement.
    struct Run: Codable {
        var writes: Int
        /// `send()` calls that did not take the whole payload (EAGAIN or short).
        var failedSends: Int
        var wallSeconds: Double
        var writerCPUSeconds: Double
        var writerCPUPercent: Double
        var microsPerWrite: Double
        var expectedBytes: Int
        var receivedBytes: Int
        /// The reader thread's user + system CPU while the writer sent, per write and in reads.
        var readerCPUPercent: Double
        var readerMicrosPerWrite: Double
        var reads: Int

        var verified: Bool { receivedBytes == expectedBytes && failedSends == 0 }
    }

    /// What the writer thread measured; turned into a `Run` once the reader has caught up.
    private struct WriterFigures {
        var writes = 0
        var failedSends = 0
        var sentBytes = 0
        var wallSeconds = 0.0
        var cpuSeconds = 0.0
    }

    /// State the two threads and the main thread share; everything else is owned by one thread.
    private final class Shared: Sendable {
        let stop = Atomic<Bool>(false)
        let readerReady = Atomic<Bool>(false)
        let receivedBytes = Atomic<Int>(0)
        /// Set by the writer when it stops sending, so the reader's CPU covers the same span.
        let writerDone = Atomic<Bool>(false)
    }

    /// What the reader thread measured between the writer's start and its last send.
    private struct ReaderFigures {
        var cpuSeconds = 0.0
        var reads = 0
    }

    private static let readBufferSize = 65_536
    private static let eventCapacity = 1_024
    /// How long the writer may take to hand over everything before the run counts as lost bytes.
    private static let drainNanoseconds: UInt64 = 2_000_000_000

    let options: Options
    private let api: LinuxEpoll
    private let epollFD: Int32
    private let writerFDs: [Int32]
    private let readerFDs: [Int32]

    /// Opens the pairs; they are reused by every `measure()` so repetitions do not churn ports.
    init(options: Options) throws(BenchError) {
        self.options = options
        api = try LinuxEpoll()
        let epoll = api.create1(LinuxEpoll.closeOnExec)
        guard epoll >= 0 else { throw .systemCall(name: "epoll_create1", errno: errno) }
        do {
            (writerFDs, readerFDs) = try Self.openPairs(count: options.connections)
        } catch {
            close(epoll)
            throw error
        }
        epollFD = epoll
        for (index, fd) in readerFDs.enumerated() {
            var event: (UInt64, UInt64) = (0, 0)
            let result = withUnsafeMutableBytes(of: &event) { buffer in
                LinuxEpoll.store(events: LinuxEpoll.readable, token: UInt64(index), into: buffer.baseAddress!)
                return api.control(epollFD, LinuxEpoll.controlAdd, fd, buffer.baseAddress)
            }
            guard result == 0 else { throw .systemCall(name: "epoll_ctl", errno: errno) }
        }
    }

    deinit {
        for fd in writerFDs + readerFDs { close(fd) }
        close(epollFD)
    }

    /// Sends for `options.seconds`, waits for the reader to receive everything, returns the figures.
    func measure() throws(BenchError) -> Run {
        let shared = Shared()
        var readerResult: Result<ReaderFigures, BenchError>?
        let reader = try PinnedThread.start { [self] in
            readerResult = readLoop(shared: shared)
        }
        // The writer starts only once the reader is pinned and waiting, or its first sends would
        // queue up for a reader that is not there yet.
        while !shared.readerReady.load(ordering: .acquiring) { usleep(1_000) }
        var writerResult: Result<WriterFigures, BenchError>?
        let writer = try PinnedThread.start { [self] in
            writerResult = writeLoop()
            shared.writerDone.store(true, ordering: .releasing)
        }
        writer.join()
        guard let writerResult else { throw .verificationFailed(reason: "the writer thread did not report") }
        if case .success(let figures) = writerResult {
            let deadline = MonotonicClock.now() + Self.drainNanoseconds
            while shared.receivedBytes.load(ordering: .acquiring) < figures.sentBytes,
                MonotonicClock.now() < deadline
            {
                usleep(1_000)
            }
        }
        shared.stop.store(true, ordering: .releasing)
        reader.join()
        guard let readerResult else { throw .verificationFailed(reason: "the reader thread did not report") }
        let readerFigures = try readerResult.get()
        let figures = try writerResult.get()
        let writes = max(figures.writes, 1)
        return Run(
            writes: figures.writes, failedSends: figures.failedSends,
            wallSeconds: Format.round(figures.wallSeconds, 3),
            writerCPUSeconds: Format.round(figures.cpuSeconds, 4),
            writerCPUPercent: Format.round(figures.cpuSeconds / max(figures.wallSeconds, 1e-9) * 100, 2),
            microsPerWrite: Format.round(figures.cpuSeconds * 1e6 / Double(writes), 3),
            expectedBytes: figures.writes * options.bytes,
            receivedBytes: shared.receivedBytes.load(ordering: .acquiring),
            readerCPUPercent: Format.round(readerFigures.cpuSeconds / max(figures.wallSeconds, 1e-9) * 100, 2),
            readerMicrosPerWrite: Format.round(readerFigures.cpuSeconds * 1e6 / Double(writes), 3),
            reads: readerFigures.reads)
    }

    /// The writer thread: 1 ms ticks, each sending what the rate says is due, then sleeping.
    private func writeLoop() -> Result<WriterFigures, BenchError> {
        do throws(BenchError) {
            try PinnedThread.pinCurrentThread(to: options.writerCPU)
        } catch {
            return .failure(error)
        }
        let bytes = options.bytes
        let payload = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        defer { payload.deallocate() }
        payload.initializeMemory(as: UInt8.self, repeating: 0x61, count: bytes)
        let total = Int((Double(options.rate) * options.seconds).rounded())
        let duration = UInt64(options.seconds * 1e9)
        let perNanosecond = Double(options.rate) / 1e9
        // MSG_NOSIGNAL only matters if a peer vanished: an error to count rather than a SIGPIPE.
        let flags = Int32(MSG_DONTWAIT | MSG_NOSIGNAL)
        var figures = WriterFigures()
        let cpuStart = Self.threadCPUSeconds()
        let start = MonotonicClock.now()
        writerFDs.withUnsafeBufferPointer { fds in
            var next = 0
            while true {
                let elapsed = MonotonicClock.now() - start
                let due = elapsed >= duration ? total : min(total, Int(Double(elapsed) * perNanosecond))
                while figures.writes < due {
                    let sent = send(fds[next], payload, bytes, flags)
                    if sent > 0 { figures.sentBytes += sent }
                    if sent != bytes { figures.failedSends += 1 }
                    figures.writes += 1
                    next += 1
                    if next == fds.count { next = 0 }
                }
                if elapsed >= duration { break }
                usleep(1_000)
            }
        }
        figures.wallSeconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
        figures.cpuSeconds = Self.threadCPUSeconds() - cpuStart
        return .success(figures)
    }

    /// The reader thread: level-triggered epoll over the client ends, one 64 KiB read per event.
    /// Its CPU is taken from its start until the writer's last send (then it only drains).
    private func readLoop(shared: Shared) -> Result<ReaderFigures, BenchError> {
        do throws(BenchError) {
            try PinnedThread.pinCurrentThread(to: options.readerCPU)
        } catch {
            shared.readerReady.store(true, ordering: .releasing)
            return .failure(error)
        }
        let events = UnsafeMutableRawPointer.allocate(
            byteCount: Self.eventCapacity * LinuxEpoll.eventSize, alignment: 8)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
        defer {
            events.deallocate()
            buffer.deallocate()
        }
        var figures = ReaderFigures()
        let cpuStart = Self.threadCPUSeconds()
        var measuring = true
        shared.readerReady.store(true, ordering: .releasing)
        var received = 0
        while !shared.stop.load(ordering: .acquiring) {
            if measuring, shared.writerDone.load(ordering: .acquiring) {
                figures.cpuSeconds = Self.threadCPUSeconds() - cpuStart
                measuring = false
            }
            // The timeout only bounds how long the stop flag goes unseen once the writer is done.
            let ready = api.wait(epollFD, events, Int32(Self.eventCapacity), options.readerSpins ? 0 : 10)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failure(.systemCall(name: "epoll_wait", errno: errno))
            }
            for index in 0..<Int(ready) {
                let fd = readerFDs[Int(LinuxEpoll.load(from: events, index: index).token)]
                let count = read(fd, buffer, Self.readBufferSize)
                if measuring { figures.reads += 1 }
                if count > 0 {
                    received += count
                } else if count == 0 {
                    return .failure(.verificationFailed(reason: "a loopback connection closed during the run"))
                } else if errno != EAGAIN && errno != EINTR {
                    return .failure(.systemCall(name: "read", errno: errno))
                }
            }
            shared.receivedBytes.store(received, ordering: .releasing)
        }
        if measuring { figures.cpuSeconds = Self.threadCPUSeconds() - cpuStart }
        return .success(figures)
    }

    /// Connects `count` client sockets to a listener on 127.0.0.1:0 and accepts each one at once,
    /// so the backlog never holds more than one; closes everything it opened if one fails.
    private static func openPairs(count: Int) throws(BenchError) -> (writers: [Int32], readers: [Int32]) {
        var writers: [Int32] = []
        var readers: [Int32] = []
        writers.reserveCapacity(count)
        readers.reserveCapacity(count)
        let streamType = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
        let listener = socket(AF_INET, streamType, 0)
        guard listener >= 0 else { throw .systemCall(name: "socket", errno: errno) }
        defer { close(listener) }
        var failure: BenchError?
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: (UInt32(127) << 24 | 1).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 128) == 0
                    && getsockname(listener, $0, &length) == 0
            }
        }
        if !bound { failure = .systemCall(name: "bind/listen on 127.0.0.1:0", errno: errno) }
        var one: Int32 = 1
        while failure == nil, readers.count < count {
            let client = socket(AF_INET, streamType, 0)
            guard client >= 0 else {
                failure = .systemCall(name: "socket", errno: errno)
                break
            }
            readers.append(client)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                failure = .systemCall(name: "connect to 127.0.0.1 (pair \(readers.count))", errno: errno)
                break
            }
            let server = accept(listener, nil, nil)
            guard server >= 0 else {
                failure = .systemCall(name: "accept", errno: errno)
                break
            }
            writers.append(server)
            _ = fcntl(server, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            setsockopt(server, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if let failure {
            for fd in writers + readers { close(fd) }
            throw failure
        }
        return (writers, readers)
    }

    /// user + system CPU of the calling thread.
    private static func threadCPUSeconds() -> Double {
        // RUSAGE_THREAD (1) is behind _GNU_SOURCE, which the Glibc module does not define.
        var usage = rusage()
        guard getrusage(__rusage_who_t(1), &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
