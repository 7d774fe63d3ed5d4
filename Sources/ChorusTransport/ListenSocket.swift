import Glibc

/// A listening TCP socket that Chorus binds itself, with `SO_REUSEPORT` so that every service
/// thread has its own socket on the same port and the kernel spreads connections over them.
///
/// Chorus binds instead of letting lws do it because lws 4.1.6 sets `SO_REUSEPORT` only for
/// multi-threaded contexts, and, with IPv6 compiled in, binds every interface whatever
/// address it is given. Here the socket is bound to exactly the configured address.
struct ListenSocket {
    let descriptor: Int32
    let port: Int

    /// Binds `host:port`; `port` 0 picks a free port (read back into `port`).
    init(host: String, port: Int, backlog: Int32 = 4096) throws(TransportError) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .bindFailed(host: host, port: port, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }

        let descriptor = socket(
            first.pointee.ai_family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .bindFailed(host: host, port: port, reason: Self.lastError()) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        if first.pointee.ai_family == AF_INET6 {
            // "::" means both families; a specific IPv6 address means only itself.
            var v6only: Int32 = host == "::" ? 0 : 1
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6only, socklen_t(MemoryLayout<Int32>.size))
        }
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0,
            listen(descriptor, backlog) == 0
        else {
            let reason = Self.lastError()
            close(descriptor)
            throw .bindFailed(host: host, port: port, reason: reason)
        }
        self.descriptor = descriptor
        self.port = Self.boundPort(descriptor) ?? port
    }

    /// Takes over a socket that is already listening (socket activation: systemd opened it);
    /// this socket then owns the descriptor.
    init(adopting descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        self.descriptor = descriptor
        port = Self.boundPort(descriptor) ?? 0
    }

    /// The port a socket is bound to (IPv4 and IPv6 keep it at the same offset).
    private static func boundPort(_ descriptor: Int32) -> Int? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0 else { return nil }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Accepts one pending connection (non-blocking); nil when none is waiting.
    func accept() -> Result<Int32, AcceptError>? {
        // accept4 is not visible from Swift's Glibc module; set the flags right after.
        let client = Glibc.accept(descriptor, nil, nil)
        if client >= 0 {
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            // lws sets TCP_NODELAY only on sockets it accepts itself. Without it a frame written
            // while an earlier one is unacknowledged waits for the peer's delayed ACK (~40 ms).
            var one: Int32 = 1
            _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return .success(client)
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK: return nil
        case EMFILE, ENFILE: return .failure(.outOfDescriptors)
        case ECONNABORTED, EINTR, EPROTO: return .failure(.transient)
        default: return .failure(.failed(Self.lastError()))
        }
    }

    enum AcceptError: Error {
        case outOfDescriptors
        case transient
        case failed(String)
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
