import ChorusCore

/// Every metric the daemon serves, in the README's order. Names follow Prometheus conventions
/// (base units as a suffix, `_total` on counters); `MetricsExporterTests` checks them.
extension MetricDefinition {
    public static let all: [MetricDefinition] =
        [
            buildInfo,
            interactions, interactionsByLanguage, interactionsByRegion, connections, rooms,
            batches, batchFrames, deliveredMessages, droppedMessages, slowConsolesClosed, slowViewersClosed,
            resumeRequests, resumeGaps, resumeGapMessages, sequenceHoldOverrides, replayedMessages,
            outboundQueueBytes, framesWritten, writtenBytes, directWrites, writeTimeouts,
            commits, committedInteractions, commitFailures, commitLatency,
            duplicateInteractions, idempotencyKeys, idempotencyKeysEvicted, consoleStatsFrames, unknownRegions,
            ingressPauses, pausedReaders, protocolErrors, serverCloses, serverCloseReasons, pingsSent,
            throttledInteractions, connectionsRefusedPerIP, httpRefusals, slowModeRooms,
        ] + cluster

    static let buildInfo = MetricDefinition(
        "chorus_build_info", .gauge, labels: ["version", "swift_version"],
        help: "Always 1: the release (ChorusVersion) and the Swift compiler (major.minor) of this build.")
    static let interactions = MetricDefinition(
        "chorus_interactions_total", .counter, labels: ["type"], help: "Accepted interactions by type.")
    static let interactionsByLanguage = MetricDefinition(
        "chorus_interactions_by_language_total", .counter, labels: ["lang"],
        help: "Accepted interactions by language (detected for chat, declared otherwise; languages outside "
            + "language.candidates and und summed as other).")
    static let interactionsByRegion = MetricDefinition(
        "chorus_interactions_by_region_total", .counter, labels: ["region"],
        help: "Accepted interactions by the viewer's region (ZZ = unknown).")
    static let connections = MetricDefinition(
        "chorus_connections", .gauge, labels: ["role"], help: "Open WebSocket connections by role (viewer, console).")
    static let rooms = MetricDefinition("chorus_rooms", .gauge, help: "Open rooms.")
    static let batches = MetricDefinition("chorus_batches_total", .counter, help: "Room batches flushed.")
    static let batchFrames = MetricDefinition(
        "chorus_batch_frames_total", .counter, help: "Batch frames queued to recipients.")
    static let deliveredMessages = MetricDefinition(
        "chorus_delivered_messages_total", .counter,
        help: "Messages queued to recipients (batch size times recipients).")
    static let droppedMessages = MetricDefinition(
        "chorus_dropped_messages_total", .counter, labels: ["role", "reason"],
        help: "Messages dropped before delivery, by recipient role and reason: queue_full (whole batches, "
            + "reported by missed) or shed (chat left out of shed batches).")
    static let slowConsolesClosed = MetricDefinition(
        "chorus_slow_consoles_closed_total", .counter,
        help: "Consoles closed with 4001 because their queue overflowed.")
    static let slowViewersClosed = MetricDefinition(
        "chorus_slow_viewers_closed_total", .counter,
        help: "Viewers closed with 4001: their commerce passed limits.viewerCommerceBytes.")
    static let resumeRequests = MetricDefinition(
        "chorus_resume_requests_total", .counter,
        help: "Connections that resumed a room from a sequence number (since=N).")
    static let resumeGaps = MetricDefinition(
        "chorus_resume_gaps_total", .counter,
        help: "Resumes reaching back past the room's history, answered with a gap frame.")
    static let resumeGapMessages = MetricDefinition(
        "chorus_resume_gap_messages_total", .counter, help: "Sequence numbers reported in gap frames.")
    static let sequenceHoldOverrides = MetricDefinition(
        "chorus_sequence_hold_overrides_total", .counter,
        help: "Batches broadcast before their sequence numbers' reservation was stored (the store is failing; "
            + "numbers could repeat after a crash).")
    static let replayedMessages = MetricDefinition(
        "chorus_replayed_messages_total", .counter, help: "History messages queued for resuming connections.")
    static let outboundQueueBytes = MetricDefinition(
        "chorus_outbound_queue_bytes", .gauge, unit: .bytes, help: "Bytes waiting in outbound queues.")
    static let framesWritten = MetricDefinition(
        "chorus_frames_written_total", .counter, help: "WebSocket frames written.")
    static let writtenBytes = MetricDefinition(
        "chorus_written_bytes_total", .counter, unit: .bytes, help: "WebSocket payload bytes written.")
    static let directWrites = MetricDefinition(
        "chorus_direct_writes_total", .counter,
        help: "Frames written at once, without waiting for a writable callback.")
    static let writeTimeouts = MetricDefinition(
        "chorus_write_timeouts_total", .counter,
        help: "Connections killed after transport.writeTimeoutSeconds with nothing written.")
    static let commits = MetricDefinition(
        "chorus_commits_total", .counter,
        help: "Group commits of interaction counts to the database (storage.engine sqlite only).")
    static let committedInteractions = MetricDefinition(
        "chorus_committed_interactions_total", .counter,
        help: "Interactions stored by group commits (storage.engine sqlite only).")
    static let commitFailures = MetricDefinition(
        "chorus_commit_failures_total", .counter,
        help: "Group commits that failed and were retried (storage.engine sqlite only).")
    /// From a quarter millisecond (a WAL commit without fsync) to seconds (a stalled disk).
    static let commitLatency = MetricDefinition(
        "chorus_commit_latency_seconds", .histogram, unit: .seconds,
        buckets: [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 2.5].map { .seconds($0) },
        help: "Time a successful group commit took to store its counts (storage.engine sqlite only).")
    static let duplicateInteractions = MetricDefinition(
        "chorus_duplicate_interactions_total", .counter, labels: ["type"],
        help: "Retries recognised by their idempotency key: acked with the first seq, not counted again.")
    static let idempotencyKeys = MetricDefinition(
        "chorus_idempotency_keys", .gauge, help: "Idempotency keys remembered (storage.idempotencyKeys at most).")
    static let idempotencyKeysEvicted = MetricDefinition(
        "chorus_idempotency_keys_evicted_total", .counter,
        help: "Idempotency keys forgotten before storage.idempotencyWindowSeconds because "
            + "storage.idempotencyKeys was full.")
    static let consoleStatsFrames = MetricDefinition(
        "chorus_console_stats_frames_total", .counter,
        help: "Console stats frames encoded (one per room with consoles per interval).")
    static let unknownRegions = MetricDefinition(
        "chorus_unknown_regions_total", .counter, labels: ["reason"],
        help: "Viewers counted as region ZZ: none declared (missing) or not an ISO 3166-1 code (unassigned).")
    static let ingressPauses = MetricDefinition(
        "chorus_ingress_pauses_total", .counter,
        help: "Connections whose reading paused because deliveries fell behind.")
    static let pausedReaders = MetricDefinition(
        "chorus_paused_readers", .gauge, help: "Connections not being read until deliveries catch up.")
    static let protocolErrors = MetricDefinition(
        "chorus_protocol_errors_total", .counter, labels: ["code"], help: "Invalid client frames, by error code.")
    static let serverCloses = MetricDefinition(
        "chorus_server_closes_total", .counter, labels: ["code"],
        help: "Connections closed by the server, by close code.")
    static let serverCloseReasons = MetricDefinition(
        "chorus_server_close_reasons_total", .counter, labels: ["reason"],
        help: "Connections closed by the server, by reason ("
            + CloseReason.allCases.map(\.rawValue).joined(separator: ", ")
            + "); pong_overdue and write_timeout send no close frame, and each close is also logged at debug.")
    static let pingsSent = MetricDefinition(
        "chorus_pings_sent_total", .counter,
        help: "Heartbeat pings written (each connection once per transport.pingIntervalSeconds).")
    static let throttledInteractions = MetricDefinition(
        "chorus_throttled_interactions_total", .counter, labels: ["type", "reason"],
        help: "Interactions refused by a rate limit or slow mode, by type and reason (rate_limited, slow_mode).")
    static let connectionsRefusedPerIP = MetricDefinition(
        "chorus_connections_refused_per_ip_total", .counter,
        help: "WebSocket connections closed with 4029: their IP address had limits.maxConnectionsPerIP open.")
    static let httpRefusals = MetricDefinition(
        "chorus_http_refused_total", .counter, labels: ["status"],
        help: """
            Requests refused before any upgrade or route (bad method, path, WebSocket headers, framing), \
            by HTTP status; lws's own answers (403, closes without an answer) are not counted.
            """)
    static let slowModeRooms = MetricDefinition("chorus_slow_mode_rooms", .gauge, help: "Rooms with slow mode on.")
}
