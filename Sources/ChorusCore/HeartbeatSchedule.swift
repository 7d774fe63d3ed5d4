/// When each connection of one service thread is next looked at for liveness, and what to do
/// then: ping it, close it, or nothing.
///
/// libwebsockets' own validity timers kept one sorted list per thread and inserted every
/// connection's ping timer by walking it, so a ping round over 20,000 idle viewers cost
/// O(n²) — 14 s of CPU every 30 s, and seconds of latency for every live room on the node.
/// Here every connection is visited once per interval and pinged, in the order it was added
/// (so a live peer is pinged once per interval, and a dead one is closed at most two intervals
/// after it last answered, as with lws's hangup at twice the ping time): a FIFO queue
/// of due times, which stays sorted by itself because every entry is queued `interval` after
/// the moment it is visited. Adding, visiting and re-queueing are O(1); closed connections
/// are not removed but dropped when their turn comes (the caller no longer knows them).
///
/// Sans-I/O: the transport keeps a `HeartbeatStanding` per connection, marks it heard on any
/// frame it receives, and carries out the returned action. One schedule per service thread,
/// touched only by that thread.
public struct HeartbeatSchedule: Sendable {
    public enum Action: Sendable, Equatable {
        /// Send a ping (the peer answered the last one, or is new).
        case ping
        /// Close: a ping went unanswered for a whole interval (`CloseReason.pongOverdue`).
        case close
    }

    private struct Entry: Sendable {
        let connection: ConnectionID
        let dueAt: UInt64
    }

    public let intervalNanoseconds: UInt64
    /// Visits at most this many connections per `takeDue`, so a burst of connections that all
    /// arrived in one second is spread over the ticks after their due time instead of
    /// stalling one tick.
    public let maxVisitsPerTick: Int
    private var entries: [Entry] = []
    /// Index of the first entry not yet taken; the array is compacted once half of it is taken.
    private var head = 0

    public init(intervalNanoseconds: UInt64, maxVisitsPerTick: Int = 256) {
        precondition(intervalNanoseconds > 0 && maxVisitsPerTick > 0)
        self.intervalNanoseconds = intervalNanoseconds
        self.maxVisitsPerTick = maxVisitsPerTick
    }

    /// Connections queued, including closed ones not yet reached.
    public var count: Int { entries.count - head }

    /// A new connection: first visited one interval from now.
    public mutating func add(_ connection: ConnectionID, now: UInt64) {
        entries.append(Entry(connection: connection, dueAt: now &+ intervalNanoseconds))
    }

    /// Takes the connections whose visit is due (at most `maxVisitsPerTick`). Each one the
    /// caller still knows must be passed to `visit`, which queues it again; one it does not
    /// know (closed) is simply forgotten.
    public mutating func takeDue(now: UInt64) -> [ConnectionID] {
        var due: [ConnectionID] = []
        while head < entries.count, due.count < maxVisitsPerTick, entries[head].dueAt <= now {
            due.append(entries[head].connection)
            head += 1
        }
        if head >= 1024, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return due
    }

    /// Visits a live connection: queues it for the next interval and says what to do.
    public mutating func visit(
        _ connection: ConnectionID, standing: inout HeartbeatStanding, now: UInt64
    ) -> Action {
        switch standing {
        case .pinged:
            return .close
        case .heard:
            standing = .pinged
            entries.append(Entry(connection: connection, dueAt: now &+ intervalNanoseconds))
            return .ping
        }
    }
}

/// Whether a connection answered since its last heartbeat visit. One byte per connection,
/// kept by the transport, which sets `.heard` on every frame it receives (a pong or anything
/// else: either shows the peer is there).
public enum HeartbeatStanding: UInt8, Sendable {
    /// New, or a frame arrived since the last ping.
    case heard
    /// Pinged at the last visit and nothing arrived since: the next visit closes it.
    case pinged
}
