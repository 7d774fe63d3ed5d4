import ChorusCluster
import ChorusCore
import Foundation

/// A real `redis-server` for one test: its own port on 127.0.0.1 and its own directory,
/// stopped when released. `CHORUS_REDIS_SERVER` names another binary.
final class RedisServer {
    let port: Int
    let directory: URL
    private var pid: pid_t = 0

    init(arguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
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
        do {
            try waitUntilServing()
        } catch {
            stop()
            throw error
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: port) }

    func connect() throws -> RedisConnection { try RedisConnection(endpoint) }

    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(10)
        while true {
            if let connection = try? connect() {
                // A password-protected server answers NOAUTH: serving all the same.
                do {
                    if try connection.command(["PING"]) == .status("PONG") { return }
                } catch {
                    if error.errorCode == "NOAUTH" { return }
                }
            }
            guard Date() < deadline, kill(pid, 0) == 0 else {
                throw RedisServerError(reason: "redis-server on port \(port) did not start")
            }
            usleep(20_000)
        }
    }

    private static func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socketDescriptor, raw, length) == 0 && getsockname(socketDescriptor, raw, &length) == 0
            }
        }
        guard bound else { throw RedisServerError(reason: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct RedisServerError: Error {
    var reason: String
}
