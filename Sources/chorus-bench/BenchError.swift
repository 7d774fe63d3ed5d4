import Glibc

/// Everything that can make a bench run fail, with enough context to act on it.
///
/// Failures of individual connections (refused, reset, closed by the server) are not errors:
/// they are counted and reported, because under load they are results. These errors are the
/// ones that make a run meaningless.
enum BenchError: Error, CustomStringConvertible {
    /// The `--url` could not be parsed or does not point at a loopback address.
    case invalidTarget(url: String, reason: String)
    /// A command-line value is out of the bounds the bench accepts.
    case invalidOption(name: String, reason: String)
    /// A system call the bench cannot work without failed.
    case systemCall(name: String, errno: Int32)
    /// A symbol the bench binds at run time (epoll, signalfd) is missing from libc.
    case missingSymbol(name: String)
    /// Not enough connections reached the room to run the scenario.
    case connectFailed(opened: Int, wanted: Int, firstFailure: String)
    /// A `hold --processes` child did not start or did not report.
    case childFailed(index: Int, reason: String)
    /// A measurement's own cross-check failed (e.g. `floor`'s reader did not get every byte
    /// sent), so its figures describe something other than what they claim.
    case verificationFailed(reason: String)
    /// A plain HTTP request to the daemon (`count` reading room stats) failed or was refused.
    case httpFailed(path: String, reason: String)
    /// The TLS client could not be set up (`--ca` unreadable, unknown `--tls-groups`).
    case tlsFailed(reason: String)

    var description: String {
        switch self {
        case .invalidTarget(let url, let reason):
            return "invalid --url \(url): \(reason)"
        case .invalidOption(let name, let reason):
            return "invalid \(name): \(reason)"
        case .systemCall(let name, let errno):
            return "\(name) failed: \(SystemErrorText.describe(errno))"
        case .missingSymbol(let name):
            return "libc has no \(name); chorus-bench needs Linux"
        case .connectFailed(let opened, let wanted, let firstFailure):
            return "only \(opened) of \(wanted) connections joined the room; first failure: "
                + firstFailure
        case .childFailed(let index, let reason):
            return "hold child \(index) failed: \(reason)"
        case .verificationFailed(let reason):
            return "verification failed: \(reason)"
        case .httpFailed(let path, let reason):
            return "GET \(path) failed: \(reason)"
        case .tlsFailed(let reason):
            return "TLS: \(reason)"
        }
    }
}

/// `strerror` text for an errno, e.g. `ECONNREFUSED (111: Connection refused)`.
enum SystemErrorText {
    static func describe(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "unknown error"
        return "errno \(code) (\(text))"
    }
}
