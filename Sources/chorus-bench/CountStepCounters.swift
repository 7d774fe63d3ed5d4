import Histogram

/// What `count` tallies for one step while it runs.
///
/// Acks are attributed to the step their interaction was sent in (the counter in the `cid` says
/// which), so a late ack still counts where it belongs; anomalies and received frames go to the
/// step during which they arrived.
struct CountStepCounters {
    /// Breaches of the ack contract (docs/protocol.md); any one fails the step.
    struct Anomalies: Codable, Equatable {
        /// Acks whose `cid` is missing, not this run's, or names an interaction this connection
        /// never sent.
        var unknownCid = 0
        /// A second ack for an interaction already acknowledged.
        var duplicateAcks = 0
        /// Acks that overtook an interaction sent earlier on the same connection.
        var outOfOrderAcks = 0
        /// Acks of two different interactions with the same (room, seq).
        var duplicateSeqs = 0
        /// Ack frames without a `seq`, or with one not after the room's seq at welcome.
        var malformedAcks = 0
        /// `error` frames: the server rejected an interaction the bench believes valid.
        var serverErrors = 0

        var total: Int {
            unknownCid + duplicateAcks + outOfOrderAcks + duplicateSeqs + malformedAcks + serverErrors
        }

        /// `unknownCid 2, serverErrors 1`: the non-zero ones, for failure texts.
        var summary: String {
            let named = [
                ("unknownCid", unknownCid), ("duplicateAcks", duplicateAcks),
                ("outOfOrderAcks", outOfOrderAcks), ("duplicateSeqs", duplicateSeqs),
                ("malformedAcks", malformedAcks), ("serverErrors", serverErrors),
            ]
            return named.filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        }
    }

    var sent = 0
    var acked = 0
    /// Send (intended time) → ack receipt, microseconds.
    var ackLatency = StepCounters.makeHistogram()
    var anomalies = Anomalies()
    /// Batches the publishers received as room members; read for their type only.
    var batches = 0
    /// `missed` frames: the server dropped batches to a publisher that fell behind.
    var missedFrames = 0
}
