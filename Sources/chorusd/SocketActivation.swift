import Glibc

/// The listening sockets systemd passed (sd_listen_fds(3)): descriptors 3… when `LISTEN_PID`
/// names this process and `LISTEN_FDS` counts them; none otherwise (then `listen.*` is bound).
enum SocketActivation {
    static let firstDescriptor: Int32 = 3

    static func descriptors(environment: [String: String]) -> [Int32] {
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap(Int32.init), count > 0
        else { return [] }
        return Array(firstDescriptor..<firstDescriptor + count)
    }
}
