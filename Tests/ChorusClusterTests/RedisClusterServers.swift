import ChorusCore
import Foundation

/// Three real `redis-server`s in cluster mode, joined by `redis-cli --cluster create` into a
/// Redis Cluster of three masters (no replicas), for one test.
final class RedisClusterServers {
    let servers: [RedisServer]

    init() throws {
        var servers: [RedisServer] = []
        for _ in 0..<3 {
            servers.append(
                try RedisServer(arguments: [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                ]))
        }
        self.servers = servers
        let create =
            ["/usr/bin/redis-cli", "--cluster", "create"] + servers.map { "127.0.0.1:\($0.port)" } + ["--cluster-yes"]
        try Self.run(create)
        try waitUntilServing()
    }

    var seeds: [RedisEndpoint] { servers.map(\.endpoint) }

    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let ready = servers.allSatisfy { server in
                guard let connection = try? server.connect(), let info = try? connection.command(["CLUSTER", "INFO"])
                else { return false }
                return info.text?.contains("cluster_state:ok") == true
            }
            if ready { return }
            usleep(50_000)
        }
        throw RedisServerError(reason: "the cluster did not reach cluster_state:ok")
    }

    private static func run(_ argv: [String]) throws {
        var pid: pid_t = 0
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ) == 0 else {
            throw RedisServerError(reason: "cannot run \(argv[0])")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else {
            throw RedisServerError(reason: "\(argv.joined(separator: " ")) exited with \(status)")
        }
    }
}
