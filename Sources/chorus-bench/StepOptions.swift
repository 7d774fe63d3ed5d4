import ArgumentParser

/// Options of the stepped load scenarios (`fanout`, `rooms`, `ingest`, `count`): step length, drain and
/// the stop criteria, and how they become a `LoadPlan`.
struct StepOptions: ParsableArguments {
    @Option(help: "Seconds per step.")
    var seconds: Double = 10

    @Option(help: "Seconds to wait after each step for its last deliveries.")
    var drainSeconds: Double = 2

    @Option(help: "Stop after a step whose p99 delivery latency exceeds this, ms.")
    var p99BoundMs: Double = 100

    @Option(help: "Stop after a step that delivers (or accepts, or acknowledges) less than this percentage.")
    var minDeliveryPercent: Double = 99

    /// The plan for `rooms` rooms of `viewersPerRoom` + `publishersPerRoom` members, stepping
    /// through `roomRates` (messages per second per room).
    func plan(
        scenario: String, common: CommonOptions, rooms: [String], viewersPerRoom: Int,
        publishersPerRoom: Int, roomRates: [Double]
    ) throws(BenchError) -> LoadPlan {
        var plan = LoadPlan(
            scenario: scenario, endpoint: try common.endpoint(), rooms: rooms,
            viewersPerRoom: viewersPerRoom, publishersPerRoom: publishersPerRoom,
            roomRates: roomRates, stepSeconds: seconds, drainSeconds: drainSeconds,
            p99BoundMs: p99BoundMs, minDeliveryPercent: minDeliveryPercent,
            serverPID: common.serverPID, connectTimeoutSeconds: common.connectTimeout,
            pool: common.poolOptions(
                connections: rooms.count * (viewersPerRoom + publishersPerRoom)),
            useBatchCache: !common.noBatchCache,
            deadlineSeconds: common.maxSeconds
                ?? LoadPlan.defaultDeadline(
                    connectTimeout: common.connectTimeout, steps: roomRates.count,
                    stepSeconds: seconds, drainSeconds: drainSeconds))
        plan.viewerEndpoints = try common.viewerEndpoints()
        return plan
    }
}
