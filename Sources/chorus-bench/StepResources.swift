import Glibc

/// CPU and memory of the server, the bench and the rest of the machine over one step.
///
/// A bench near 100 % CPU measures itself rather than the server, and CPU used by neither means
/// both competed for cores; every step report carries these figures so no one compares such a
/// step with a quiet one.
struct StepResources {
    /// The three counters at one instant; a step takes one when sending starts and one when it stops.
    struct Snapshot {
        var server: ProcessSample?
        var bench: ProcessSample?
        var host: HostSample?
        var serverThreads: [String: Double] = [:]

        static func take(serverPID: Int32?) -> Snapshot {
            Snapshot(
                server: serverPID.flatMap(ProcessSampler.sample(pid:)),
                bench: ProcessSampler.sample(pid: getpid()), host: ProcessSampler.sampleHost(),
                serverThreads: serverPID.map(ProcessSampler.threadCPUSeconds(pid:)) ?? [:])
        }
    }

    var serverCPUPercent: Double?
    var serverRSSMB: Double?
    var benchCPUPercent: Double?
    /// CPU used by everything else, percent of one core (with no --server-pid this includes the
    /// server).
    var otherCPUPercent: Double?
    /// Server CPU per thread name, percent of one core (threads that used under 0.5 % left out).
    var serverThreadCPUPercent: [String: Double]?

    init(from before: Snapshot, to after: Snapshot) {
        if let earlier = before.server, let later = after.server {
            serverCPUPercent = Format.round(later.cpuPercent(since: earlier), 1)
            serverRSSMB = Format.round(Double(later.rssKilobytes) / 1_024, 1)
        }
        if let earlier = before.server, let later = after.server {
            let wall = MonotonicClock.seconds(from: earlier.takenAt, to: later.takenAt)
            var threads: [String: Double] = [:]
            for (name, seconds) in after.serverThreads where wall > 0 {
                let percent = (seconds - (before.serverThreads[name] ?? 0)) / wall * 100
                if percent >= 0.5 { threads[name] = Format.round(percent, 1) }
            }
            serverThreadCPUPercent = threads.isEmpty ? nil : threads
        }
        if let earlier = before.bench, let later = after.bench {
            benchCPUPercent = Format.round(later.cpuPercent(since: earlier), 1)
        }
        if let earlier = before.host, let later = after.host {
            let busy = later.busyPercent(since: earlier)
            otherCPUPercent = Format.round(max(0, busy - (serverCPUPercent ?? 0) - (benchCPUPercent ?? 0)), 1)
        }
    }

    /// `  | server 85 % cpu 120 MB` for the progress line, sampled now; empty without a server.
    static func serverProgress(pid: Int32?, since before: ProcessSample?) -> String {
        guard let pid, let before, let latest = ProcessSampler.sample(pid: pid) else { return "" }
        return "  | server \(Format.fixed(latest.cpuPercent(since: before), 0)) % cpu "
            + "\(Format.fixed(Double(latest.rssKilobytes) / 1_024, 0)) MB"
    }
}
