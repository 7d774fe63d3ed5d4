import ArgumentParser

/// `fanout`: one room, many viewers, a few publishers, stepping up the publish rate.
struct FanoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "N viewers in one room; P publishers step through aggregate chat rates.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Room to load (must exist or autoCreate must be on).")
    var room = "bench-fanout"

    @Option(help: "Viewer connections (receive only).")
    var viewers = 1_000

    @Option(help: "Publisher connections sharing the aggregate rate.")
    var publishers = 4

    @Option(help: "Aggregate chat rates to try, messages per second, one step each.")
    var rates = "500,1000,2000,3000"

    @Option(help: "Seconds per step.")
    var seconds: Double = 10

    @Option(help: "Seconds to wait after each step for its last deliveries.")
    var drainSeconds: Double = 2

    @Option(help: "Stop after a step whose p99 delivery latency exceeds this, ms.")
    var p99BoundMs: Double = 100

    @Option(help: "Stop after a step that delivers less than this percentage.")
    var minDeliveryPercent: Double = 99

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let rateList = try parseRates(rates)
        let plan = LoadPlan(
            scenario: "fanout", endpoint: try common.endpoint(), rooms: [room],
            viewersPerRoom: viewers, publishersPerRoom: publishers, roomRates: rateList,
            stepSeconds: seconds, drainSeconds: drainSeconds, p99BoundMs: p99BoundMs,
            minDeliveryPercent: minDeliveryPercent, serverPID: common.serverPID,
            connectTimeoutSeconds: common.connectTimeout,
            pool: common.poolOptions(connections: viewers + publishers),
            useBatchCache: !common.noBatchCache,
            deadlineSeconds: common.maxSeconds
                ?? LoadPlan.defaultDeadline(
                    connectTimeout: common.connectTimeout, steps: rateList.count,
                    stepSeconds: seconds, drainSeconds: drainSeconds))
        let report = try LoadScenario(plan: plan).run()
        ReportPrinter.printLoad(report)
    }
}
