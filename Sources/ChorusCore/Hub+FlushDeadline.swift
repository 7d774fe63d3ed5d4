/// When pending batches are due (`batch.maxDelayMs`, `batch.leadingEdge`).
extension Hub {
    /// The earliest moment a pending batch is due, if any (monotonic nanoseconds).
    public mutating func nextFlushDeadline() -> UInt64? {
        var earliest: UInt64?
        var index = rooms.startIndex
        while index != rooms.endIndex {
            if !rooms.values[index].pending.isEmpty {
                let deadline = Self.flushDeadline(of: &rooms.values[index], batch: configuration.batch)
                earliest = min(earliest ?? deadline, deadline)
            }
            index = rooms.index(after: index)
        }
        return earliest
    }

    /// When a room's pending batch is due: one window after its oldest message, or with
    /// `leadingEdge` one window after the batch before it (a message that found the room quiet
    /// left at once, so what follows it waits at most until the window that flush opened
    /// ends; a busy room still sends one batch per window). `inout` only to avoid copying the room.
    static func flushDeadline(of room: inout Room, batch: ServerFrames.BatchSettings) -> UInt64 {
        guard batch.leadingEdge else { return room.pendingSince &+ batch.maxDelayNanoseconds }
        return max(room.pendingSince, room.lastFlushAt &+ batch.maxDelayNanoseconds)
    }
}
