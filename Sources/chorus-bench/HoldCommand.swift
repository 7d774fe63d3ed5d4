import ArgumentParser

/// `hold`: N idle viewers in one room; server memory per connection and probe latency.
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Hold N idle viewer connections; report server RSS per connection and the "
            + "round trip of probe chat messages while they are held.",
        discussion: """
            One process holds at most ~19,900 connections (RLIMIT_NOFILE 20,000); for more, \
            --processes K re-executes chorus-bench K times, each holding a slice, with its \
            own source addresses 127.0.0.x.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Idle viewer connections to hold.")
    var connections = 2_000

    @Option(help: "Room to hold them in.")
    var room = "bench-hold"

    @Option(
        help: """
            Room of the two probe connections (default: the held room). Another room keeps the \
            held viewers idle: nothing but pings reaches them (idle weight, heartbeat cost).
            """)
    var probeRoom: String?

    @Option(help: "Seconds to hold once connected (the probes are sent meanwhile).")
    var seconds: Double = 10

    @Option(help: "Processes holding the connections (1 = this process).")
    var processes = 1

    @Option(help: "Probe chat messages to send while holding.")
    var probes = 20

    @Option(help: "Probe messages per second.")
    var probeRate: Double = 10

    @Option(help: .hidden) var childRunID: UInt16?
    @Option(help: .hidden) var childIndex = 0
    @Option(help: .hidden) var sourceFirst = 1

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let endpoint = try common.endpoint()
        let deadline =
            common.maxSeconds ?? common.connectTimeout + 2 + max(seconds, 1) + 30
        var options = common.poolOptions(connections: connections)
        if let run = childRunID {
            options.sourceFirst = sourceFirst
            options.sourceCount = max(1, common.sourceAddresses)
            try HoldChild(
                endpoint: endpoint, room: room, connections: connections, runID: run,
                index: childIndex, pool: options, connectTimeoutSeconds: common.connectTimeout,
                deadlineSeconds: deadline
            ).run()
            return
        }
        var plan = HoldPlan(
            endpoint: endpoint, url: common.url, room: room, probeRoom: probeRoom ?? room, connections: connections,
            holdSeconds: seconds, processes: processes, probes: probes, probeRate: probeRate,
            serverPID: common.serverPID, connectTimeoutSeconds: common.connectTimeout,
            connectConcurrency: max(1, common.connectConcurrency),
            sourceAddresses: options.sourceCount, deadlineSeconds: deadline)
        plan.tlsArguments = common.tls.childArguments
        let report = try HoldScenario(plan: plan).run()
        report.printTable()
    }
}
