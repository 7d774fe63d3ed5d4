import ArgumentParser

/// `count`: publishers send interactions with `"ack":true`; how fast the daemon accepts,
/// numbers and counts them, and whether its room counters agree with every ack it sent.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "P publishers over R rooms send acked interactions at stepped rates; then checks the counts.",
        discussion: """
            Each publisher is a viewer with one of six locales/regions and sends a fixed mix of \
            likes, gifts, cart adds, purchases, coupons and chat (40/15/15/10/10/10 %), each with \
            "ack":true and a unique cid. The bench times send → ack, and counts anomalies: acks for \
            unknown cids, duplicate acks, acks out of send order, two acks with one (room, seq), \
            error frames. A step passes with ≥ --min-delivery-percent acknowledged within the step \
            and --drain-seconds, ack p99 ≤ --p99-bound-ms and no anomaly. After the last step and \
            up to 5 s for outstanding acks, every room's /v1/rooms/{room}/stats must have grown by \
            exactly what was acknowledged (total, per type, per region); interactions never \
            acknowledged are listed apart. Exits non-zero if that check is not exact.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var step: StepOptions

    @Option(help: "Number of rooms (named PREFIX-0 … PREFIX-(R-1)).")
    var rooms = 20

    @Option(help: "Room name prefix.")
    var roomPrefix = "count"

    @Option(help: "Publisher connections in all, spread evenly over the rooms (a multiple of --rooms).")
    var publishers = 200

    @Option(help: "Aggregate interaction rates over all rooms to try, per second, one step each.")
    var rates = "1000,5000,20000"

    @Flag(help: "Give every interaction an idempotency key (\"idempotencyKey\").")
    var idempotencyKeys = false

    @Flag(
        help: """
            Survive the daemon being killed and restarted mid-run: dropped publishers reconnect \
            and send again, with the same idempotency keys, what was never acknowledged (implies \
            --idempotency-keys).
            """)
    var reconnect = false

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let rateList = try parseRates(rates)
        var plan = try step.plan(
            scenario: "count", common: common,
            rooms: try roomNames(prefix: roomPrefix, rooms: rooms, publishers: publishers), viewersPerRoom: 0,
            publishersPerRoom: publishers / rooms, roomRates: rateList.map { $0 / Double(rooms) })
        plan.minViewersPerRoom = 0
        if common.maxSeconds == nil {
            plan.deadlineSeconds += CountScenario.finalAckSeconds + 2 * CountScenario.statsSeconds
        }
        let report = try CountScenario(plan: plan, idempotencyKeys: idempotencyKeys, reconnects: reconnect).run()
        ReportPrinter.printCount(report)
        guard report.check.exact else {
            throw BenchError.verificationFailed(
                reason: "room counters disagree with the acks: \(report.check.mismatches.count) mismatch(es), "
                    + "\(report.check.errors.count) room(s) unreadable")
        }
    }
}
