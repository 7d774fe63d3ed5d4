import CLibWebSockets
import ChorusCore

/// Liveness of one service thread's connections: each is visited once per
/// `transport.pingIntervalSeconds` by the thread's `HeartbeatSchedule` (O(1) per connection
/// per round) and pinged, and dropped when a ping stays unanswered until the next visit.
/// lws's own validity timers are off (`retry_and_idle_policy` with no ping and no hangup):
/// they cost O(n) per connection per round.
final class HeartbeatDriver {
    private let connections: ConnectionTable
    private let writePath: WritePath
    private let statistics: ThreadStatistics
    private var schedule: HeartbeatSchedule
    /// The ping written to every connection (lws frames it in the headroom). Not empty: lws
    /// 4.1 reports no `LWS_CALLBACK_RECEIVE_PONG` for a pong without payload, and the pong
    /// echoes the ping's.
    private let pingFrame = LWSFrame(Array("chorus".utf8))

    init(intervalSeconds: Int, connections: ConnectionTable, writePath: WritePath, statistics: ThreadStatistics) {
        schedule = HeartbeatSchedule(intervalNanoseconds: UInt64(intervalSeconds) * 1_000_000_000)
        self.connections = connections
        self.writePath = writePath
        self.statistics = statistics
    }

    /// A new connection: its first visit is one interval from now.
    func add(_ id: ConnectionID, now: UInt64) {
        schedule.add(id, now: now)
    }

    /// On each tick: the connections whose turn has come.
    func visitDue(now: UInt64) {
        for id in schedule.takeDue(now: now) {
            // Not known any more: closed since it was queued, and so forgotten.
            guard let connection = connections[id] else { continue }
            switch schedule.visit(id, standing: &connection.heartbeat, now: now) {
            case .ping:
                // Not written (lws holds part of a frame): the write timeout watches it instead.
                if !ping(connection) { connection.heartbeat = .heard }
            case .close:
                writePath.drop(id, connection, why: .pongOverdue)
            }
        }
    }

    /// Writes a ping at once unless lws still holds part of an earlier frame (then the
    /// connection is busy being written to, and the write timeout watches it instead).
    private func ping(_ connection: Connection) -> Bool {
        guard connection.closeRequest == nil, lws_partial_buffered(connection.wsi) == 0 else { return false }
        let written = lws_write(connection.wsi, pingFrame.payload, pingFrame.byteCount, LWS_WRITE_PING)
        guard written >= 0 else { return false }
        statistics.current.pingsSent += 1
        return true
    }
}
