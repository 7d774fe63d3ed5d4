public import ChorusCore

/// What the service threads counted, for `/metrics`.
public struct TransportStatistics: Sendable, Equatable {
    public var viewers = 0
    public var consoles = 0
    public var shard = ShardStatistics()
    public var protocolErrors: [String: UInt64] = [:]
    /// Connections closed by the server, by close code.
    public var closes: [UInt16: UInt64] = [:]
    /// Connections closed by the server, by why (with or without a close frame).
    public var closeReasons: [CloseReason: UInt64] = [:]
    /// Heartbeat pings written (`HeartbeatSchedule`).
    public var pingsSent: UInt64 = 0
    public var framesWritten: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    /// Frames written at once because the socket had room, without a writable callback.
    public var directWrites: UInt64 = 0
    /// Connections killed because nothing could be written to them for the write timeout.
    public var writeTimeouts: UInt64 = 0
    /// Times a connection's reading was paused because delivery fell behind, and how many are
    /// paused now.
    public var ingressPauses: UInt64 = 0
    public var pausedReaders = 0
    /// Interactions refused by a rate limit or slow mode (not counted, not broadcast).
    public var throttled: [Throttle: UInt64] = [:]
    /// Connections closed with 4029: their address already had `limits.maxConnectionsPerIP`.
    public var refusedPerAddress: UInt64 = 0
    /// Requests refused before any upgrade or route (`HTTPSurface`), by HTTP status.
    public var refusedRequests: [Int: UInt64] = [:]
    /// Retries recognised by their idempotency key (acked, not counted again), by
    /// `InteractionKind.index`.
    public var duplicateInteractions: [UInt64] = Array(repeating: 0, count: InteractionKind.allCases.count)
    /// Viewers counted as region `ZZ`: none declared, or a code ISO 3166-1 does not assign.
    public var unknownRegions: [UnknownRegion: UInt64] = [:]
    /// `stats` frames encoded for consoles (one per room with local consoles per interval).
    public var statsFrames: UInt64 = 0

    public enum UnknownRegion: String, Hashable, Sendable, CaseIterable {
        case missing, unassigned
    }

    public struct Throttle: Hashable, Sendable {
        public var kind: InteractionKind
        public var reason: InteractionRateLimiter.Reason
    }

    public init() {}

    mutating func add(_ other: TransportStatistics) {
        viewers += other.viewers
        consoles += other.consoles
        shard.deliveredMessages += other.shard.deliveredMessages
        shard.batchFramesQueued += other.shard.batchFramesQueued
        shard.droppedViewerMessages += other.shard.droppedViewerMessages
        shard.slowConsolesClosed += other.shard.slowConsolesClosed
        shard.replayedMessages += other.shard.replayedMessages
        shard.shedViewerMessages += other.shard.shedViewerMessages
        shard.slowViewersClosed += other.shard.slowViewersClosed
        shard.queuedBytes += other.shard.queuedBytes
        protocolErrors.merge(other.protocolErrors, uniquingKeysWith: +)
        closes.merge(other.closes, uniquingKeysWith: +)
        closeReasons.merge(other.closeReasons, uniquingKeysWith: +)
        pingsSent += other.pingsSent
        framesWritten += other.framesWritten
        bytesWritten += other.bytesWritten
        directWrites += other.directWrites
        writeTimeouts += other.writeTimeouts
        ingressPauses += other.ingressPauses
        pausedReaders += other.pausedReaders
        throttled.merge(other.throttled, uniquingKeysWith: +)
        refusedPerAddress += other.refusedPerAddress
        refusedRequests.merge(other.refusedRequests, uniquingKeysWith: +)
        for index in duplicateInteractions.indices {
            duplicateInteractions[index] += other.duplicateInteractions[index]
        }
        statsFrames += other.statsFrames
        unknownRegions.merge(other.unknownRegions, uniquingKeysWith: +)
    }
}
