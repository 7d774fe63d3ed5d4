import Histogram

/// Times every new connection from the start of its `connect()` to the moment it is usable —
/// chorusd's `welcome` frame, or the upgrade for a plain relay — then closes it (1000).
final class HandshakeRecorder: WebSocketEventHandler {
    private let server: ServerKind
    /// Connect start to welcome (or upgrade), microseconds.
    private(set) var total = StepCounters.makeHistogram()
    /// Connect start to the end of the TLS handshake, microseconds (wss:// only).
    private(set) var tls = StepCounters.makeHistogram()
    private(set) var completed = 0
    /// Completions until `windowEnd` (the achieved rate counts these).
    private(set) var completedInWindow = 0
    var windowEnd = UInt64.max

    static let closeReason = "handshake done"

    init(server: ServerKind) {
        self.server = server
    }

    func connectionDidOpen(_ connection: WebSocketClientConnection, at now: UInt64) {
        if server == .plain { complete(connection, at: now) }
    }

    func connection(
        _ connection: WebSocketClientConnection, didReceive payload: UnsafeRawBufferPointer, at now: UInt64
    ) {
        if server == .chorus, FrameScanner.kind(of: payload) == .welcome { complete(connection, at: now) }
    }

    func connectionDidClose(_ connection: WebSocketClientConnection, reason: CloseReason) {}

    private func complete(_ connection: WebSocketClientConnection, at now: UInt64) {
        _ = total.record(StepCounters.clampMicroseconds(now &- connection.startedAt))
        if connection.securedAt > 0 {
            _ = tls.record(StepCounters.clampMicroseconds(connection.securedAt &- connection.startedAt))
        }
        completed += 1
        if now <= windowEnd { completedInWindow += 1 }
        connection.close(reason: Self.closeReason)
    }
}
