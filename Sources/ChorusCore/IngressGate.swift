/// Decides when a service thread stops reading from its clients: when the batches waiting for
/// the service threads to deliver pass a high watermark, each connection that sends something
/// is paused (its further input stays in the kernel, so TCP pushes back on the sender instead
/// of the daemon queueing without bound); once they fall below the low watermark every paused
/// connection reads again (at or below the low watermark).
///
/// Sans-I/O: the transport reports the pending count and carries out the answers. One gate
/// per service thread, touched only by that thread.
public struct IngressGate: Sendable {
    /// Set anew by a reload; connections already paused resume at the new low watermark.
    public var highWatermark: Int
    public var lowWatermark: Int { highWatermark / 2 }
    /// Connections paused and not yet resumed.
    public private(set) var pausedCount = 0
    public private(set) var pauses: UInt64 = 0

    /// `highWatermark` 0 turns the gate off.
    public init(highWatermark: Int) {
        self.highWatermark = highWatermark
    }

    /// A connection delivered input while `pending` batches wait: whether to pause it.
    public mutating func shouldPause(pending: Int) -> Bool {
        guard highWatermark > 0, pending > highWatermark else { return false }
        pausedCount += 1
        pauses += 1
        return true
    }

    /// On each tick: whether every paused connection should read again now.
    public mutating func shouldResumeAll(pending: Int) -> Bool {
        guard pausedCount > 0, pending <= lowWatermark || highWatermark == 0 else { return false }
        pausedCount = 0
        return true
    }
}
