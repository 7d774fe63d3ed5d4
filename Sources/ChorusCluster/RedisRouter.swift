public import ChorusCore

/// Connections to one Redis or to every master of a Redis Cluster, and which one holds a key.
/// `cluster.redis` names one server (a single Redis) or several seeds of one cluster; the
/// router asks the first seed that answers for `CLUSTER SLOTS` and keeps one connection per
/// master. A `MOVED` reply refreshes the map and the command is sent once more where it now
/// lives; an `ASK` sends it once to the named node after `ASKING`. One thread uses a router.
public final class RedisRouter {
    public let seeds: [RedisEndpoint]
    private let timeoutSeconds: Double
    /// The master of each slot; empty for a single Redis (cluster support disabled).
    private var slotOwners: [RedisEndpoint?] = []
    private var connections: [RedisEndpoint: RedisConnection] = [:]

    public init(seeds: [RedisEndpoint], timeoutSeconds: Double = 2) throws(RedisError) {
        precondition(!seeds.isEmpty, "at least one Redis")
        self.seeds = seeds
        self.timeoutSeconds = timeoutSeconds
        try refresh()
    }

    /// True when the seeds are a Redis Cluster.
    public var isCluster: Bool { !slotOwners.isEmpty }

    /// Every master this router knows (one for a single Redis).
    public var masters: [RedisEndpoint] {
        isCluster ? Array(Set(slotOwners.compactMap { $0 })).sorted { $0.port < $1.port } : [seeds[0]]
    }

    /// Reads the slot map again from the first seed that answers.
    public func refresh() throws(RedisError) {
        var lastError: RedisError?
        for seed in seeds {
            do {
                let connection = try connection(to: seed)
                do {
                    let reply = try connection.command(["CLUSTER", "SLOTS"])
                    slotOwners = try Self.slotOwners(from: reply, seed: seed)
                } catch let error where error.isClusterDisabled {
                    slotOwners = []
                }
                return
            } catch {
                forget(seed)
                lastError = error
            }
        }
        throw lastError ?? .connect(seeds[0], reason: "no seed answered")
    }

    /// Runs `body` on the connection of the server holding `key`, following one redirection.
    /// An I/O error drops that connection (the next call opens a new one) and is rethrown.
    public func run<Result>(
        key: String, _ body: (RedisConnection) throws(RedisError) -> Result
    ) throws(RedisError) -> Result {
        let owner = self.owner(of: key)
        do {
            return try body(try connection(to: owner))
        } catch let error {
            switch error.errorCode {
            case "MOVED":
                try refresh()
                return try body(try connection(to: self.owner(of: key)))
            case "ASK":
                guard let target = Self.redirectTarget(error, like: owner) else { throw error }
                let connection = try connection(to: target)
                try connection.command(["ASKING"])
                return try body(connection)
            default:
                if case .io = error { forget(owner) }
                throw error
            }
        }
    }

    /// The connection to one server, opened when first needed.
    public func connection(to endpoint: RedisEndpoint) throws(RedisError) -> RedisConnection {
        if let open = connections[endpoint] { return open }
        let connection = try RedisConnection(endpoint, timeoutSeconds: timeoutSeconds)
        connections[endpoint] = connection
        return connection
    }

    /// Closes the connection to `endpoint` (after it failed).
    public func forget(_ endpoint: RedisEndpoint) {
        connections[endpoint] = nil
    }

    public func owner(of key: String) -> RedisEndpoint {
        guard isCluster else { return seeds[0] }
        return slotOwners[RedisSlot.of(key)] ?? seeds[0]
    }

    /// `CLUSTER SLOTS`: `[[start, end, [host, port, id], replicas...], ...]`.
    static func slotOwners(from reply: RedisReply, seed: RedisEndpoint) throws(RedisError) -> [RedisEndpoint?] {
        guard let ranges = reply.elements else {
            throw .unexpectedReply(seed, command: "CLUSTER SLOTS", reply: "\(reply)")
        }
        var owners = [RedisEndpoint?](repeating: nil, count: RedisSlot.count)
        for range in ranges {
            guard let parts = range.elements, parts.count >= 3, let start = parts[0].integer,
                let end = parts[1].integer, let master = parts[2].elements, master.count >= 2,
                let host = master[0].text, let port = master[1].integer, 0 <= start, start <= end,
                end < RedisSlot.count
            else {
                throw .unexpectedReply(seed, command: "CLUSTER SLOTS", reply: "\(range)")
            }
            let endpoint = RedisEndpoint(
                host: host.isEmpty ? seed.host : host, port: Int(port), password: seed.password)
            for slot in Int(start)...Int(end) { owners[slot] = endpoint }
        }
        return owners
    }

    /// `ASK 3999 127.0.0.1:6381` → that server, with the seeds' password.
    static func redirectTarget(_ error: RedisError, like template: RedisEndpoint) -> RedisEndpoint? {
        guard case .refused(_, _, let message) = error else { return nil }
        let words = message.split(separator: " ")
        guard words.count == 3, let colon = words[2].lastIndex(of: ":"),
            let port = Int(words[2][words[2].index(after: colon)...])
        else { return nil }
        return RedisEndpoint(host: String(words[2][..<colon]), port: port, password: template.password)
    }
}

extension RedisError {
    var isClusterDisabled: Bool {
        guard case .refused(_, _, let message) = self else { return false }
        return message.contains("cluster support disabled")
    }
}
