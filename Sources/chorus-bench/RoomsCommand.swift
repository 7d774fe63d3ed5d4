import ArgumentParser

/// `rooms`: many small rooms, one publisher each, stepping up the per-room rate.
struct RoomsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "R rooms × V viewers, one publisher per room; steps through per-room rates.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of rooms (named PREFIX-0 … PREFIX-(R-1)).")
    var rooms = 100

    @Option(help: "Room name prefix.")
    var roomPrefix = "bench-room"

    @Option(help: "Viewers per room.")
    var viewers = 10

    @Option(help: "Chat rates per room to try, messages per second, one step each.")
    var rates = "1,5,20"

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
        guard rooms >= 1, rooms <= 10_000 else {
            throw BenchError.invalidOption(name: "--rooms", reason: "must be 1–10,000")
        }
        let plan = LoadPlan(
            scenario: "rooms", endpoint: try common.endpoint(),
            rooms: (0..<rooms).map { "\(roomPrefix)-\($0)" }, viewersPerRoom: viewers,
            publishersPerRoom: 1, roomRates: rateList, stepSeconds: seconds,
            drainSeconds: drainSeconds, p99BoundMs: p99BoundMs,
            minDeliveryPercent: minDeliveryPercent, serverPID: common.serverPID,
            connectTimeoutSeconds: common.connectTimeout,
            pool: common.poolOptions(connections: rooms * (viewers + 1)),
            useBatchCache: !common.noBatchCache,
            deadlineSeconds: common.maxSeconds
                ?? LoadPlan.defaultDeadline(
                    connectTimeout: common.connectTimeout, steps: rateList.count,
                    stepSeconds: seconds, drainSeconds: drainSeconds))
        let report = try LoadScenario(plan: plan).run()
        ReportPrinter.printLoad(report)
    }
}
