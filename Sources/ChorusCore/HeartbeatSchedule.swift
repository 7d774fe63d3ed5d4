/// When each connection of one service thread is next looked at for liveness, and what to do
/// then: ping it, or close it.
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

        /// Fills the ring's free slots (not an optional: that would take 24 bytes, not 16).
        static let vacant = Entry(connection: ConnectionID(0), dueAt: 0)
    }

    public let intervalNanoseconds: UInt64
    /// Visits at most this many connections per `takeDue`, so a burst of connections that all
    /// arrived in one second is spread over the ticks after their due time instead of
    /// stalling one tick.
    public let maxVisitsPerTick: Int
    /// A ring: `count` entries from `head`, wrapping. Its capacity is the next power of two
    /// above the most connections queued at once and never more: an array compacted now and
    /// then held up to twice the entries (16 bytes each, per idle connection).
    private var ring = [Entry](repeating: .vacant, count: 64)
    private var head = 0
    public private(set) var count = 0

    public init(intervalNanoseconds: UInt64, maxVisitsPerTick: Int = 256) {
        precondition(intervalNanoseconds > 0 && maxVisitsPerTick > 0)
        self.intervalNanoseconds = intervalNanoseconds
        self.maxVisitsPerTick = maxVisitsPerTick
    }

    /// A new connection: first visited one interval from now.
    public mutating func add(_ connection: ConnectionID, now: UInt64) {
        push(Entry(connection: connection, dueAt: now &+ intervalNanoseconds))
    }

    /// Takes the connections whose visit is due (at most `maxVisitsPerTick`). Each one the
    /// caller still knows must be passed to `visit`, which queues it again; one it does not
    /// know (closed) is simply forgotten.
    public mutating func takeDue(now: UInt64) -> [ConnectionID] {
        var due: [ConnectionID] = []
        while count > 0, due.count < maxVisitsPerTick, ring[head].dueAt <= now {
            due.append(ring[head].connection)
            head = (head + 1) & (ring.count - 1)
            count -= 1
        }
        return due
    }

    private mutating func push(_ entry: Entry) {
        if count == ring.count {
            // Unwrapped into one twice as large, oldest first.
            var grown = [Entry](repeating: .vacant, count: ring.count * 2)
            for offset in 0..<count { grown[offset] = ring[(head + offset) & (ring.count - 1)] }
            ring = grown
            head = 0
        }
        ring[(head + count) & (ring.count - 1)] = entry
        count += 1
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
            push(Entry(connection: connection, dueAt: now &+ intervalNanoseconds))
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
