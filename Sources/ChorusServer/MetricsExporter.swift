import ChorusCore
public import ChorusTransport
import Prometheus

/// Prometheus exposition of the hub's counters and the transport's statistics.
///
/// The relay counts in plain integers on its hot path; at scrape time the exporter brings
/// the Prometheus counters up to those totals (by the difference since the last scrape), so
/// the per-message path never touches a metrics object. Label sets are bounded: interaction
/// types are fixed, languages come from the tagger's closed set, regions are alpha-2 codes.
public final class MetricsExporter: Sendable {
    private struct State {
        var counters: [String: Counter] = [:]
        var gauges: [String: Gauge] = [:]
        var exported: [String: UInt64] = [:]
    }

    private let registry = PrometheusCollectorRegistry()
    private let state = Locked(State())
    private let committer = Locked<CounterCommitter?>(nil)

    public init() {}

    /// Commit figures come from here once durable counting runs.
    public func attach(_ committer: CounterCommitter) {
        self.committer.withLock { $0 = committer }
    }

    public func render(_ relay: RelayServer) -> [UInt8] {
        let hub = relay.withHub { hub in
            (
                totals: hub.totals, rooms: hub.roomCount, batches: hub.batchesFlushed, members: hub.memberTotals(),
                resumes: hub.resumeStatistics,
                slowModeRooms: hub.slowModeRoomCount, idempotencyKeys: hub.idempotencyKeyCount,
                keysEvicted: hub.idempotencyKeysEvictedEarly, sequenceHoldOverrides: hub.sequenceHoldOverrides
            )
        }
        let transport = relay.statistics()
        state.withLock { state in
            for kind in InteractionKind.allCases {
                raise(&state, "chorus_interactions_total", [("type", kind.rawValue)], to: hub.totals.count(of: kind))
            }
            for (language, count) in Self.boundedLanguages(
                hub.totals.byLanguage, known: relay.config.language.candidates)
            {
                raise(&state, "chorus_interactions_by_language_total", [("lang", language)], to: count)
            }
            for (region, count) in hub.totals.byRegion {
                raise(&state, "chorus_interactions_by_region_total", [("region", region)], to: count)
            }
            raise(&state, "chorus_batches_total", [], to: hub.batches)
            raise(&state, "chorus_delivered_messages_total", [], to: transport.shard.deliveredMessages)
            raise(&state, "chorus_batch_frames_total", [], to: transport.shard.batchFramesQueued)
            raise(
                &state, "chorus_dropped_messages_total", [("role", "viewer"), ("reason", "queue_full")],
                to: transport.shard.droppedViewerMessages)
            raise(
                &state, "chorus_dropped_messages_total", [("role", "viewer"), ("reason", "shed")],
                to: transport.shard.shedViewerMessages)
            raise(&state, "chorus_slow_consoles_closed_total", [], to: transport.shard.slowConsolesClosed)
            raise(&state, "chorus_slow_viewers_closed_total", [], to: transport.shard.slowViewersClosed)
            raise(&state, "chorus_resume_requests_total", [], to: hub.resumes.requests)
            raise(&state, "chorus_resume_gaps_total", [], to: hub.resumes.gaps)
            raise(&state, "chorus_resume_gap_messages_total", [], to: hub.resumes.gapMessages)
            raise(&state, "chorus_sequence_hold_overrides_total", [], to: hub.sequenceHoldOverrides)
            raise(&state, "chorus_replayed_messages_total", [], to: transport.shard.replayedMessages)
            raise(&state, "chorus_frames_written_total", [], to: transport.framesWritten)
            raise(&state, "chorus_bytes_written_total", [], to: transport.bytesWritten)
            raise(&state, "chorus_direct_writes_total", [], to: transport.directWrites)
            raise(&state, "chorus_write_timeouts_total", [], to: transport.writeTimeouts)
            raise(&state, "chorus_ingress_pauses_total", [], to: transport.ingressPauses)
            set(&state, "chorus_paused_readers", [], transport.pausedReaders)
            for (code, count) in transport.protocolErrors {
                raise(&state, "chorus_protocol_errors_total", [("code", code)], to: count)
            }
            for (code, count) in transport.closes {
                raise(&state, "chorus_server_closes_total", [("code", String(code))], to: count)
            }
            for reason in CloseReason.allCases {
                raise(
                    &state, "chorus_server_close_reasons_total", [("reason", reason.rawValue)],
                    to: transport.closeReasons[reason] ?? 0)
            }
            raise(&state, "chorus_pings_sent_total", [], to: transport.pingsSent)
            for (throttle, count) in transport.throttled {
                raise(
                    &state, "chorus_throttled_interactions_total",
                    [("type", throttle.kind.rawValue), ("reason", throttle.reason.rawValue)], to: count)
            }
            raise(&state, "chorus_connections_refused_per_ip_total", [], to: transport.refusedPerAddress)
            for kind in InteractionKind.allCases {
                raise(
                    &state, "chorus_duplicate_interactions_total", [("type", kind.rawValue)],
                    to: transport.duplicateInteractions[kind.index])
            }
            set(&state, "chorus_idempotency_keys", [], hub.idempotencyKeys)
            raise(&state, "chorus_idempotency_keys_evicted_total", [], to: hub.keysEvicted)
            raise(&state, "chorus_console_stats_frames_total", [], to: transport.statsFrames)
            for reason in TransportStatistics.UnknownRegion.allCases {
                raise(
                    &state, "chorus_unknown_regions_total", [("reason", reason.rawValue)],
                    to: transport.unknownRegions[reason] ?? 0)
            }
            set(&state, "chorus_slow_mode_rooms", [], hub.slowModeRooms)
            set(&state, "chorus_connections", [("role", "viewer")], transport.viewers)
            set(&state, "chorus_connections", [("role", "console")], transport.consoles)
            set(&state, "chorus_rooms", [], hub.rooms)
            set(&state, "chorus_outbound_queue_bytes", [], transport.shard.queuedBytes)
            if let commits = committer.withLock({ $0 })?.statistics {
                raise(&state, "chorus_commits_total", [], to: commits.commits)
                raise(&state, "chorus_committed_interactions_total", [], to: commits.interactions)
                raise(&state, "chorus_commit_failures_total", [], to: commits.failures)
                for bucket in commits.latencyBuckets {
                    raise(
                        &state, "chorus_commit_latency_ms_bucket", [("le", "\(Int(bucket.boundMs))")], to: bucket.count)
                }
            }
        }
        return registry.emitToBuffer()
    }

    private func raise(_ state: inout State, _ name: String, _ labels: [(String, String)], to total: UInt64) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let counter: Counter
        if let existing = state.counters[key] {
            counter = existing
        } else {
            counter = registry.makeCounter(descriptor: Self.descriptor(name), labels: labels)
            state.counters[key] = counter
        }
        let previous = state.exported[key] ?? 0
        if total > previous { counter.increment(by: Int64(total - previous)) }
        state.exported[key] = max(previous, total)
    }

    private func set(_ state: inout State, _ name: String, _ labels: [(String, String)], _ value: Int) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let gauge: Gauge
        if let existing = state.gauges[key] {
            gauge = existing
        } else {
            gauge = registry.makeGauge(descriptor: Self.descriptor(name), labels: labels)
            state.gauges[key] = gauge
        }
        gauge.set(Double(value))
    }

    static let help: [String: String] = [
        "chorus_interactions_total": "Accepted interactions by type.",
        "chorus_interactions_by_language_total":
            "Accepted interactions by language (detected for chat, declared otherwise; languages outside "
            + "language.candidates summed as other).",
        "chorus_interactions_by_region_total": "Accepted interactions by the viewer's region (ZZ = unknown).",
        "chorus_batches_total": "Room batches flushed.",
        "chorus_delivered_messages_total": "Messages queued to recipients (batch size times recipients).",
        "chorus_batch_frames_total": "Batch frames queued to recipients.",
        "chorus_dropped_messages_total": "Messages dropped before delivery, by recipient role and reason.",
        "chorus_slow_consoles_closed_total": "Consoles closed with 4001 because their queue overflowed.",
        "chorus_commits_total": "Group commits of interaction counts to the database.",
        "chorus_committed_interactions_total": "Interactions stored by group commits.",
        "chorus_commit_failures_total": "Group commits that failed and were retried.",
        "chorus_commit_latency_ms_bucket": "Group commits that took at most `le` milliseconds (cumulative).",
        "chorus_write_timeouts_total": "Connections killed after transport.writeTimeoutSeconds with nothing written.",
        "chorus_ingress_pauses_total": "Connections whose reading paused because deliveries fell behind.",
        "chorus_paused_readers": "Connections not being read until deliveries catch up.",
        "chorus_slow_viewers_closed_total":
            "Viewers closed with 4001: their commerce passed limits.viewerCommerceBytes.",
        "chorus_resume_requests_total": "Connections that resumed a room with since=<seq>.",
        "chorus_resume_gaps_total": "Resumes reaching back past the room's history, answered with a gap frame.",
        "chorus_resume_gap_messages_total": "Sequence numbers reported in gap frames.",
        "chorus_sequence_hold_overrides_total":
            "Batches broadcast before their sequence numbers' reservation was stored (the store is failing).",
        "chorus_replayed_messages_total": "History messages queued for resuming connections.",
        "chorus_frames_written_total": "WebSocket frames written.",
        "chorus_bytes_written_total": "WebSocket payload bytes written.",
        "chorus_direct_writes_total": "Frames written at once, without waiting for a writable callback.",
        "chorus_protocol_errors_total": "Invalid client frames, by error code.",
        "chorus_server_closes_total": "Connections closed by the server, by close code.",
        "chorus_server_close_reasons_total":
            "Connections closed by the server, by reason (pong_overdue and write_timeout send no close frame).",
        "chorus_pings_sent_total": "Heartbeat pings written (each connection once per transport.pingIntervalSeconds).",
        "chorus_throttled_interactions_total":
            "Interactions refused by a rate limit or slow mode, by type and reason (rate_limited, slow_mode).",
        "chorus_connections_refused_per_ip_total":
            "WebSocket connections closed with 4029: their IP address had limits.maxConnectionsPerIP open.",
        "chorus_slow_mode_rooms": "Rooms with slow mode on.",
        "chorus_connections": "Open WebSocket connections by role.",
        "chorus_rooms": "Open rooms.",
        "chorus_outbound_queue_bytes": "Bytes waiting in outbound queues.",
        "chorus_duplicate_interactions_total":
            "Retries recognised by their idempotency key: acked with the first seq, not counted again.",
        "chorus_idempotency_keys": "Idempotency keys remembered (storage.idempotencyKeys at most).",
        "chorus_idempotency_keys_evicted_total":
            "Idempotency keys forgotten before storage.idempotencyWindowSeconds because storage.idempotencyKeys was full.",
        "chorus_unknown_regions_total":
            "Viewers counted as region ZZ: none declared (missing) or not an ISO 3166-1 code (unassigned).",
        "chorus_console_stats_frames_total": "Console stats frames encoded (one per room with consoles per interval).",
    ]

    /// Label sets stay bounded: the tagger's candidates and `und` keep their own label, any
    /// other language (declared by a viewer's locale) is summed as `other`.
    static func boundedLanguages(_ counts: [String: UInt64], known: [String]) -> [String: UInt64] {
        var bounded: [String: UInt64] = [:]
        for (language, count) in counts {
            let label = language == "und" || known.contains(language) ? language : "other"
            bounded[label, default: 0] += count
        }
        return bounded
    }

    private static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }
}
