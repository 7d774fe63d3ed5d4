import Glibc

/// Why one connection could not be started; counted per reason in the reports.
struct ConnectionError: Error, CustomStringConvertible {
    var phase: String
    var errno: Int32

    var description: String { "\(phase): \(SystemErrorText.describe(errno))" }
}

/// Creates the non-blocking TCP sockets the connections run on.
enum SocketFactory {
    /// `IP_BIND_ADDRESS_NO_PORT` (linux/in.h, not imported by Glibc): binding a source address
    /// without reserving a port lets connect() pick the port per destination.
    private static let bindAddressNoPort: Int32 = 24

    /// Opens a socket, binds it to `source` if given and starts connecting to `endpoint`.
    static func connect(to endpoint: LoopbackEndpoint, from source: in_addr?) throws(ConnectionError)
        -> Int32
    {
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw ConnectionError(phase: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if let source {
            setsockopt(
                fd, Int32(IPPROTO_IP), bindAddressNoPort, &one, socklen_t(MemoryLayout<Int32>.size))
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr = source
            let bound = withUnsafePointer(to: &local) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                close(fd)
                throw ConnectionError(phase: "bind", errno: code)
            }
        }
        var remote = endpoint.socketAddress
        let result = withUnsafePointer(to: &remote) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 || errno == EINPROGRESS else {
            let code = errno
            close(fd)
            throw ConnectionError(phase: "connect", errno: code)
        }
        return fd
    }
}
