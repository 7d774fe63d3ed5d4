import ArgumentParser

/// `fanout`: one room, many viewers, a few publishers, stepping up the publish rate.
struct FanoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "N viewers in one room; P publishers step through aggregate chat rates.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var step: StepOptions
    @OptionGroup var target: ServerOptions

    @Option(help: "Room to load (must exist or autoCreate must be on).")
    var room = "bench-fanout"

    @Option(help: "Viewer connections (receive only).")
    var viewers = 1_000

    @Option(help: "Publisher connections sharing the aggregate rate.")
    var publishers = 4

    @Option(help: "Aggregate chat rates to try, messages per second, one step each.")
    var rates = "500,1000,2000,3000"

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let rateList = try parseRates(rates)
        var plan = try step.plan(
            scenario: "fanout", common: common, rooms: [room], viewersPerRoom: viewers,
            publishersPerRoom: publishers, roomRates: rateList)
        plan.server = target.server
        let report = try LoadScenario(plan: plan).run()
        ReportPrinter.printLoad(report)
    }
}
