import ChorusCluster
import ChorusCore
import Foundation

/// A real `redis-server` for one test: its own port on 127.0.0.1 and its own directory,
/// stopped when released. `CHORUS_REDIS_SERVER` names another binary.
final class RedisServer {
    private(set) var port = 0
    let directory: URL
    private var pid: pid_t = 0

    private let arguments: [String]

    init(arguments: [String] = []) throws {
        self.arguments = arguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A port taken between the check and redis-server's bind (another test's client) makes
        // the server exit at once: then another port.
        for _ in 0..<10 {
            port = try Self.freePort()
            try spawn(arguments)
            if try waitUntilServing() { return }
        }
        throw RedisServerError(reason: "redis-server did not start (log in \(directory.path))")
    }

    private func spawn(_ arguments: [String]) throws {
        let binary = ProcessInfo.processInfo.environment["CHORUS_REDIS_SERVER"] ?? "/usr/bin/redis-server"
        let argv =
            [
                binary, "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--save", "",
                "--appendonly", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
            ] + arguments
        // posix_spawn, not Foundation's Process: its waitUntilExit hung when called from deinit
        // on a test's thread.
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let status = posix_spawn(&pid, binary, nil, nil, &cArguments, environ)
        guard status == 0 else { throw RedisServerError(reason: "cannot start \(binary): error \(status)") }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Kills the server (SIGKILL: nothing flushed) and starts it again on the same port.
    func restart(downSeconds: Double = 0) throws {
        stop()
        usleep(UInt32(downSeconds * 1e6))
        try spawn(arguments)
        guard try waitUntilServing() else { throw RedisServerError(reason: "redis-server did not restart") }
    }

    /// Kills the server (SIGKILL).
    func kill() { stop() }

    private func stop() {
        guard pid > 0 else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: port) }

    func connect() throws -> RedisConnection { try RedisConnection(endpoint) }

    /// True once it answers; false when it exited (reaped); throws when it neither answers
    /// nor exits within 10 s.
    private func waitUntilServing() throws -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while true {
            if let connection = try? connect() {
                // A password-protected server answers NOAUTH: serving all the same.
                do {
                    if try connection.command(["PING"]) == .status("PONG") { return true }
                } catch {
                    if error.errorCode == "NOAUTH" { return true }
                }
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                return false
            }
            guard Date() < deadline else {
                stop()
                throw RedisServerError(reason: "redis-server on port \(port) did not answer")
            }
            usleep(20_000)
        }
    }

    /// A port below the ephemeral range whose cluster bus port (+10,000) is free too.
    private static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 20_000..<30_000)
            if canBind(port), canBind(port + 10_000) { return port }
        }
        throw RedisServerError(reason: "no free port")
    }

    private static func canBind(_ port: Int) -> Bool {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socketDescriptor, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct RedisServerError: Error {
    var reason: String
}
