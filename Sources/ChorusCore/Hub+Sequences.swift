/// Sequence numbers that survive restarts and idle rooms.
///
/// A member that comes back with `since` trusts that the room's numbers after it are the
/// messages it missed. Numbers that restarted at 1 (a daemon restart, or a room closed while
/// idle and opened again) would hand it another run's messages as if they followed its own,
/// with no gap reported. So a closed room keeps its place, and with durable counting every
/// room reserves numbers in blocks (`Configuration.sequenceBlock`) stored by the committer in
/// the same transaction as the counts: a restarted room starts after everything it reserved,
/// and no batch is broadcast with a number past the stored reservation (a new room's first
/// batch waits for one commit, `storage.commitIntervalMs`, usually inside its window). A
/// number is never shown twice; one reserved but unused before a crash is skipped, and a
/// member resuming across the restart is told of the skipped range as a gap.
extension Hub {
    /// Where a room that is not open stands in its sequence.
    struct SequenceMark: Sendable, Equatable {
        var last: UInt64
        var durable: UInt64
        var reserved: UInt64

        func apply(to room: inout Room) {
            room.lastAssigned = last
            room.lastBroadcast = last
            room.durableThrough = durable
            room.reservedThrough = reserved
        }
    }

    static func mark(of room: Room) -> SequenceMark {
        SequenceMark(last: room.lastAssigned, durable: room.durableThrough, reserved: room.reservedThrough)
    }

    /// Asks for the next block once half of the reserved one is used, or at a room's first
    /// message (rooms nobody writes in leave no row behind).
    static func reserveSequences(for room: inout Room, block: UInt64, into commit: inout CommitBatch) {
        guard block > 0, room.lastAssigned + block / 2 >= room.reservedThrough else { return }
        room.reservedThrough = room.lastAssigned + block
        commit.sequences[room.name] = room.reservedThrough
    }

    /// Whether the pending batch of the room at `index` may be broadcast: every number in it is
    /// durably reserved, or it has waited `sequenceHoldNanoseconds` (or grown to four batches)
    /// for that and goes out anyway rather than hold the room.
    mutating func mayBroadcast(roomAt index: [String: Room].Index, now: UInt64) -> Bool {
        guard let last = rooms.values[index].pending.last?.seq, last > rooms.values[index].durableThrough else {
            return true
        }
        guard
            now &- rooms.values[index].pendingSince >= configuration.sequenceHoldNanoseconds
                || rooms.values[index].pending.count >= 4 * configuration.batch.maxMessages
        else { return false }
        sequenceHoldOverrides += 1
        return true
    }

    /// Start-up: each room's stored reservation. Its numbers go on after it: an open room (a
    /// static one, empty until start-up ends) at once, the others when they open.
    public mutating func restoreSequences(_ stored: [String: UInt64]) {
        for (name, through) in stored {
            let mark = SequenceMark(last: through, durable: through, reserved: through)
            guard let index = rooms.index(forKey: name) else {
                archivedSequences[name] = mark
                continue
            }
            if rooms.values[index].lastAssigned <= through { mark.apply(to: &rooms.values[index]) }
        }
    }

    /// The committer stored these reservations: batches up to them may go out (on the next tick).
    public mutating func confirmSequences(_ stored: [String: UInt64]) {
        for (name, through) in stored {
            if let index = rooms.index(forKey: name) {
                if rooms.values[index].durableThrough < through { rooms.values[index].durableThrough = through }
            } else if let mark = archivedSequences[name], mark.durable < through {
                archivedSequences[name]!.durable = through
            }
        }
    }

    /// The last number given out in a room that is not open (0 if none).
    func archivedSequence(room name: String) -> UInt64 {
        archivedSequences[name]?.last ?? 0
    }
}
