/// The shape of a `hold` run, built from the command line.
struct HoldPlan {
    var endpoint: LoopbackEndpoint
    var url: String
    /// `--tls …` for the children (empty for ws://).
    var tlsArguments: [String] = []
    var room: String
    /// Where the probe publisher and viewer are: the held room, or another to keep it idle.
    var probeRoom: String
    var connections: Int
    /// How long to hold once everything is connected (probes are sent during the hold).
    var holdSeconds: Double
    var processes: Int
    var probes: Int
    var probeRate: Double
    var serverPID: Int32?
    var connectTimeoutSeconds: Double
    var connectConcurrency: Int
    var sourceAddresses: Int
    var deadlineSeconds: Double

    /// Connections child `index` holds: an even split, the remainder to the first children.
    func slice(child index: Int) -> Int {
        connections / processes + (index < connections % processes ? 1 : 0)
    }

    func validate() throws(BenchError) {
        guard connections >= 1, processes >= 1, processes <= 64 else {
            throw .invalidOption(name: "--connections/--processes", reason: "need ≥ 1, ≤ 64 processes")
        }
        let perProcess = (connections + processes - 1) / processes
        guard perProcess <= ResourceLimits.maxConnections else {
            throw .invalidOption(
                name: "--connections",
                reason: "\(perProcess) per process exceeds the descriptor budget "
                    + "\(ResourceLimits.maxConnections); add --processes")
        }
        guard probes >= 1, probes <= 10_000, probeRate > 0, probeRate <= 1_000 else {
            throw .invalidOption(name: "--probes/--probe-rate", reason: "1–10,000 probes at ≤ 1,000/s")
        }
        guard holdSeconds > 0, holdSeconds <= 3_600, deadlineSeconds > 0 else {
            throw .invalidOption(name: "--seconds/--max-seconds", reason: "must be in (0, 3600]")
        }
    }
}
