/// The whole result of a `count` run: the `RESULT` JSON line.
struct CountRunReport: Codable {
    var scenario = "count"
    var url: String
    var rooms: Int
    var publishers: Int
    var stepSeconds: Double
    var p99BoundMs: Double
    var serverPID: Int32?
    var connect: LoadRunReport.Connect
    var steps: [CountStepReport]
    var stopReason: String?
    var droppedConnections: Int
    var closes: [String: Int]
    /// Over the whole run, after the final wait for outstanding acks.
    var sent: Int
    var acked: Int
    var unacked: Int
    /// How long the bench waited after the last step for outstanding acks.
    var finalWaitSeconds: Double
    var check: CountCheck
    /// With `--reconnect`: publishers welcomed again, interactions sent again, and resends the
    /// daemon recognised as already counted.
    var reconnections = 0
    var resent = 0
    var recognisedResends = 0
}
