import ArgumentParser

/// `handshakes`: new connections at a paced rate (or as fast as possible), each closed once
/// welcomed; the rate, time to welcome and the server's CPU per handshake.
struct HandshakesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handshakes",
        abstract: "Open new connections at --rate per second for --duration s, each timed from connect() "
            + "to its welcome and closed (1000) at once; with --tls every one is a full TLS handshake.",
        discussion: """
            --rate 0 opens connections as fast as the server takes them, with at most \
            --connect-concurrency connecting at once (TCP, TLS and the upgrade; the welcome may \
            follow). Each connection is a new TCP connection and a full TLS handshake (no session \
            resumption). The achieved rate counts welcomes within the window; the latencies also \
            count connections finishing in the drain after it.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ServerOptions

    @Option(help: "New connections per second (0: as fast as possible).")
    var rate: Double = 1_000

    @Option(help: "Seconds during which new connections start.")
    var duration: Double = 10

    @Option(help: "Seconds to wait after the window for connections still handshaking.")
    var drainSeconds: Double = 5

    @Option(help: "Room the connections join.")
    var room = "bench-handshakes"

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let plan = HandshakePlan(
            endpoint: try common.endpoint(), server: target.server, room: room, rate: rate, seconds: duration,
            concurrency: max(1, common.connectConcurrency), drainSeconds: drainSeconds,
            serverPID: common.serverPID, pool: common.poolOptions(connections: 1),
            deadlineSeconds: common.maxSeconds ?? duration + drainSeconds + 10)
        let report = try HandshakeScenario(plan: plan).run()
        report.printTable()
    }
}
