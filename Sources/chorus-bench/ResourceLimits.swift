import Glibc

/// The descriptor budget of the process.
///
/// Every connection is a descriptor; the soft limit is raised to the hard limit at start
/// (20,000 on the bench machine), and a few are kept for epoll, signalfd, pipes and /proc.
enum ResourceLimits {
    static let reservedDescriptors = 64

    /// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
    @discardableResult
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }

    /// Connections one process can hold.
    static var maxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 960 }
        return max(0, Int(min(limit.rlim_cur, 1 << 20)) - reservedDescriptors)
    }
}
