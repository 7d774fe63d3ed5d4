import ArgumentParser

/// `rooms`: many small rooms, one publisher each, stepping up the per-room rate.
struct RoomsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "R rooms × V viewers, one publisher per room; steps through per-room rates.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var step: StepOptions
    @OptionGroup var target: ServerOptions

    @Option(help: "Number of rooms (named PREFIX-0 … PREFIX-(R-1)).")
    var rooms = 100

    @Option(help: "Room name prefix.")
    var roomPrefix = "bench-room"

    @Option(help: "Viewers per room.")
    var viewers = 10

    @Option(help: "Chat rates per room to try, messages per second, one step each.")
    var rates = "1,5,20"

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let rateList = try parseRates(rates)
        guard rooms >= 1, rooms <= 10_000 else {
            throw BenchError.invalidOption(name: "--rooms", reason: "must be 1–10,000")
        }
        var plan = try step.plan(
            scenario: "rooms", common: common, rooms: (0..<rooms).map { "\(roomPrefix)-\($0)" },
            viewersPerRoom: viewers, publishersPerRoom: 1, roomRates: rateList)
        plan.server = target.server
        let report = try LoadScenario(plan: plan).run()
        ReportPrinter.printLoad(report)
    }
}
