import ArgumentParser

/// `chorus-bench`: load and benchmark tool for `chorusd`, speaking the real wire protocol.
@main
struct ChorusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorus-bench",
        abstract: "Load and benchmark a local chorusd over real WebSocket connections.",
        discussion: """
            Targets 127.0.0.0/8 only. Progress goes to stderr once per second; the summary \
            table and one `RESULT {json}` line go to stdout. Every run is bounded by \
            --max-seconds. Rooms must exist: run chorusd with "rooms":{"autoCreate":true}.
            """,
        subcommands: [
            CountCommand.self, FanoutCommand.self, FloorCommand.self, HandshakesCommand.self, HoldCommand.self,
            IngestCommand.self,
            LangidCommand.self, RoomsCommand.self,
        ])
}

/// Options every scenario shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Daemon URL, loopback only: ws://127.0.0.1:PORT or wss://127.0.0.1:PORT")
    var url: String

    @Option(
        name: .customLong("viewer-url"),
        help: """
            Another node of the same cluster (repeat for more): viewers are spread over --url and \
            these, publishers stay on --url, so most deliveries cross nodes (fanout, rooms).
            """)
    var viewerURLs: [String] = []

    @OptionGroup var tls: TLSOptions

    @Option(help: "The server's pid, to report its CPU % and RSS from /proc.")
    var serverPID: Int32?

    @Option(help: "Hard limit for the whole run in seconds (default: fits the plan).")
    var maxSeconds: Double?

    @Option(help: "Upgrades in flight at once while connecting.")
    var connectConcurrency = 256

    @Option(help: "Seconds allowed for the whole connect phase.")
    var connectTimeout: Double = 60

    @Option(help: "Spread connections over 127.0.0.1…127.0.0.N (ephemeral ports are per address).")
    var sourceAddresses = 1

    @Flag(help: "Scan every copy of every batch instead of once per room (slower, stricter).")
    var noBatchCache = false

    @Flag(
        help: """
            Poll without sleeping (the bench takes its whole core). On loopback the daemon's \
            sends wake a sleeping reader and pay for it; a remote or busy client costs it nothing.
            """)
    var spin = false

    func poolOptions(connections: Int) -> ConnectionPool.Options {
        var options = ConnectionPool.Options()
        options.concurrency = max(1, connectConcurrency)
        options.spins = spin
        options.sourceCount = max(sourceAddresses, (connections + 24_999) / 25_000)
        return options
    }

    /// The target, with the TLS client context when the run is over wss://.
    func endpoint() throws(BenchError) -> LoopbackEndpoint {
        try endpoint(url)
    }

    /// `--url` first, then every `--viewer-url`.
    func viewerEndpoints() throws(BenchError) -> [LoopbackEndpoint] {
        var endpoints = [try endpoint(url)]
        for other in viewerURLs { endpoints.append(try endpoint(other)) }
        return endpoints
    }

    private func endpoint(_ url: String) throws(BenchError) -> LoopbackEndpoint {
        var endpoint = try LoopbackEndpoint(url: url)
        endpoint.tls = try tls.context(urlIsSecure: endpoint.urlIsSecure)
        return endpoint
    }
}

/// Parses `--rates 500,1000,2000`.
func parseRates(_ text: String) throws(BenchError) -> [Double] {
    let rates = text.split(separator: ",").compactMap { Double($0.trimmingCharacters()) }
    guard !rates.isEmpty, rates.count == text.split(separator: ",").count else {
        throw .invalidOption(name: "--rates", reason: "expected numbers like 500,1000,2000")
    }
    return rates
}

/// `PREFIX-0 … PREFIX-(rooms-1)` for a scenario whose `publishers` spread evenly over the rooms.
func roomNames(prefix: String, rooms: Int, publishers: Int) throws(BenchError) -> [String] {
    guard rooms >= 1, rooms <= 10_000 else {
        throw .invalidOption(name: "--rooms", reason: "must be 1–10,000, got \(rooms)")
    }
    guard publishers >= rooms, publishers % rooms == 0 else {
        throw .invalidOption(
            name: "--publishers",
            reason: "\(publishers) does not spread evenly over \(rooms) rooms (give a multiple)")
    }
    return (0..<rooms).map { "\(prefix)-\($0)" }
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        drop { $0 == " " }.reversed().drop { $0 == " " }.reversed().reduce(into: "") {
            $0.append($1)
        }[...]
    }
}
