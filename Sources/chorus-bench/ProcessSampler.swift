import Glibc

/// CPU time and memory of a process, read from `/proc/PID/stat` and `/proc/PID/status`.
///
/// Used for the server (`--server-pid`) and for the bench itself: a bench near 100 % CPU
/// measures itself, not the server, and the reports say so.
struct ProcessSample {
    /// utime + stime, in seconds.
    var cpuSeconds: Double
    var rssKilobytes: Int
    /// Peak RSS (VmHWM).
    var peakRSSKilobytes: Int
    var threads: Int
    var takenAt: UInt64

    /// CPU use between two samples, percent of one core.
    func cpuPercent(since earlier: ProcessSample) -> Double {
        let wall = MonotonicClock.seconds(from: earlier.takenAt, to: takenAt)
        return wall > 0 ? (cpuSeconds - earlier.cpuSeconds) / wall * 100 : 0
    }
}

/// Machine-wide CPU time from the first line of `/proc/stat`.
///
/// The bench usually shares the machine with other work; CPU used by neither the server nor
/// the bench during a step means both were competing for cores, and latency figures from such a
/// step are pessimistic. The reports print it so nobody compares a contended run with a quiet one.
struct HostSample {
    /// All CPU time and idle (+ iowait) time, in seconds summed over every CPU.
    var totalSeconds: Double
    var idleSeconds: Double
    var takenAt: UInt64

    /// CPU used by everything between two samples, percent of one core.
    func busyPercent(since earlier: HostSample) -> Double {
        let busy = (totalSeconds - earlier.totalSeconds) - (idleSeconds - earlier.idleSeconds)
        let wall = MonotonicClock.seconds(from: earlier.takenAt, to: takenAt)
        return wall > 0 ? busy / wall * 100 : 0
    }
}

enum ProcessSampler {
    /// The sum over several processes (the bench and its `hold` children); nil if any is gone.
    static func sample(pids: [Int32]) -> ProcessSample? {
        var total = ProcessSample(
            cpuSeconds: 0, rssKilobytes: 0, peakRSSKilobytes: 0, threads: 0,
            takenAt: MonotonicClock.now())
        for pid in pids {
            guard let sample = sample(pid: pid) else { return nil }
            total.cpuSeconds += sample.cpuSeconds
            total.rssKilobytes += sample.rssKilobytes
            total.peakRSSKilobytes += sample.peakRSSKilobytes
            total.threads += sample.threads
        }
        return total
    }

    static func sampleHost() -> HostSample? {
        guard let stat = readFile("/proc/stat"), let line = stat.split(separator: "\n").first else {
            return nil
        }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return HostSample(
            totalSeconds: values.prefix(8).reduce(0, +) / ticks,
            idleSeconds: (values[3] + values[4]) / ticks, takenAt: MonotonicClock.now())
    }

    /// nil if the process does not exist (or `/proc` is unreadable).
    static func sample(pid: Int32) -> ProcessSample? {
        guard let stat = readFile("/proc/\(pid)/stat"),
            let status = readFile("/proc/\(pid)/status"),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12])
        else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ProcessSample(
            cpuSeconds: (user + system) / ticks,
            rssKilobytes: statusValue("VmRSS:", in: status),
            peakRSSKilobytes: statusValue("VmHWM:", in: status),
            threads: statusValue("Threads:", in: status),
            takenAt: MonotonicClock.now())
    }

    /// CPU seconds per thread name (`/proc/PID/task/TID/comm`), threads of one name summed:
    /// shows whether the daemon's service threads (`chorus-svc-N`) share the work evenly.
    static func threadCPUSeconds(pid: Int32) -> [String: Double] {
        guard let directory = opendir("/proc/\(pid)/task") else { return [:] }
        defer { closedir(directory) }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var result: [String: Double] = [:]
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let tid = Int(name), let stat = readFile("/proc/\(pid)/task/\(tid)/stat"),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let comm = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            result[comm, default: 0] += (user + system) / ticks
        }
        return result
    }

    private static func statusValue(_ key: String, in status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            let number = line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
                .first
            return number.flatMap { Int($0) } ?? 0
        }
        return 0
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
