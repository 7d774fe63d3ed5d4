import ChorusCluster
import ChorusCore
import ChorusSync
public import ChorusTransport
import Prometheus

/// Prometheus exposition of the hub's counters and the transport's statistics, as
/// `MetricDefinition.all` defines them.
///
/// The relay counts in plain integers on its hot path; at scrape time the exporter brings
/// the Prometheus counters up to those totals (by the difference since the last scrape), so
/// the per-message path never touches a metrics object. Label sets are bounded: interaction
/// types are fixed, languages come from the tagger's closed set, regions are alpha-2 codes.
public final class MetricsExporter: Sendable {
    struct State {
        var counters: [String: Counter] = [:]
        var gauges: [String: Gauge] = [:]
        var exported: [String: UInt64] = [:]
    }

    private let registry = PrometheusCollectorRegistry()
    private let state = Locked(State())
    private let committer = Locked<CounterCommitter?>(nil)
    /// Cluster mode: what the link knows of Redis now (`+Cluster`).
    let clusterHealth = Locked<(@Sendable () -> ClusterHealth)?>(nil)

    public init() {
        registry.makeGauge(
            descriptor: Self.descriptor(.buildInfo), labels: Self.labels(.buildInfo, Self.buildInfoLabels)
        )
        .set(to: 1.0)
    }

    /// Commit figures come from here once durable counting runs; its latencies go straight
    /// into a histogram: one record per commit, on the committer's thread, off the message path.
    public func attach(_ committer: CounterCommitter) {
        let definition = MetricDefinition.commitLatency
        committer.recordLatencies(
            in: registry.makeDurationHistogram(descriptor: Self.descriptor(definition), buckets: definition.buckets))
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
                raise(&state, .interactions, [kind.rawValue], to: hub.totals.count(of: kind))
            }
            for (language, count) in Self.boundedLanguages(
                hub.totals.byLanguage, known: relay.startConfig.language.candidates)
            {
                raise(&state, .interactionsByLanguage, [language], to: count)
            }
            for (region, count) in hub.totals.byRegion {
                raise(&state, .interactionsByRegion, [region], to: count)
            }
            raise(&state, .batches, [], to: hub.batches)
            raise(&state, .deliveredMessages, [], to: transport.shard.deliveredMessages)
            raise(&state, .batchFrames, [], to: transport.shard.batchFramesQueued)
            raise(&state, .droppedMessages, ["viewer", "queue_full"], to: transport.shard.droppedViewerMessages)
            raise(&state, .droppedMessages, ["viewer", "shed"], to: transport.shard.shedViewerMessages)
            raise(&state, .slowConsolesClosed, [], to: transport.shard.slowConsolesClosed)
            raise(&state, .slowViewersClosed, [], to: transport.shard.slowViewersClosed)
            raise(&state, .resumeRequests, [], to: hub.resumes.requests)
            raise(&state, .resumeGaps, [], to: hub.resumes.gaps)
            raise(&state, .resumeGapMessages, [], to: hub.resumes.gapMessages)
            raise(&state, .sequenceHoldOverrides, [], to: hub.sequenceHoldOverrides)
            raise(&state, .replayedMessages, [], to: transport.shard.replayedMessages)
            raise(&state, .framesWritten, [], to: transport.framesWritten)
            raise(&state, .writtenBytes, [], to: transport.bytesWritten)
            raise(&state, .directWrites, [], to: transport.directWrites)
            raise(&state, .writeTimeouts, [], to: transport.writeTimeouts)
            raise(&state, .ingressPauses, [], to: transport.ingressPauses)
            set(&state, .pausedReaders, [], transport.pausedReaders)
            for (code, count) in transport.protocolErrors {
                raise(&state, .protocolErrors, [code], to: count)
            }
            for (code, count) in transport.closes {
                raise(&state, .serverCloses, [String(code)], to: count)
            }
            for reason in CloseReason.allCases {
                raise(&state, .serverCloseReasons, [reason.rawValue], to: transport.closeReasons[reason] ?? 0)
            }
            raise(&state, .pingsSent, [], to: transport.pingsSent)
            for (throttle, count) in transport.throttled {
                raise(&state, .throttledInteractions, [throttle.kind.rawValue, throttle.reason.rawValue], to: count)
            }
            raise(&state, .connectionsRefusedPerIP, [], to: transport.refusedPerAddress)
            for status in HTTPRefusal.statuses {
                raise(&state, .httpRefusals, [String(status)], to: transport.refusedRequests[status] ?? 0)
            }
            for kind in InteractionKind.allCases {
                raise(&state, .duplicateInteractions, [kind.rawValue], to: transport.duplicateInteractions[kind.index])
            }
            set(&state, .idempotencyKeys, [], hub.idempotencyKeys)
            raise(&state, .idempotencyKeysEvicted, [], to: hub.keysEvicted)
            raise(&state, .consoleStatsFrames, [], to: transport.statsFrames)
            for reason in TransportStatistics.UnknownRegion.allCases {
                raise(&state, .unknownRegions, [reason.rawValue], to: transport.unknownRegions[reason] ?? 0)
            }
            set(&state, .slowModeRooms, [], hub.slowModeRooms)
            set(&state, .connections, ["viewer"], transport.viewers)
            set(&state, .connections, ["console"], transport.consoles)
            set(&state, .rooms, [], hub.rooms)
            set(&state, .outboundQueueBytes, [], transport.shard.queuedBytes)
            exportCluster(&state)
            if let commits = committer.withLock({ $0 })?.statistics {
                raise(&state, .commits, [], to: commits.commits)
                raise(&state, .committedInteractions, [], to: commits.interactions)
                raise(&state, .commitFailures, [], to: commits.failures)
            }
        }
        return registry.emitToBuffer()
    }

    func raise(_ state: inout State, _ definition: MetricDefinition, _ values: [String], to total: UInt64) {
        let key = Self.key(definition, values)
        let counter: Counter
        if let existing = state.counters[key] {
            counter = existing
        } else {
            counter = registry.makeCounter(
                descriptor: Self.descriptor(definition), labels: Self.labels(definition, values))
            state.counters[key] = counter
        }
        let previous = state.exported[key] ?? 0
        if total > previous { counter.increment(by: Int64(total - previous)) }
        state.exported[key] = max(previous, total)
    }

    func set(_ state: inout State, _ definition: MetricDefinition, _ values: [String], _ value: Int) {
        let key = Self.key(definition, values)
        let gauge: Gauge
        if let existing = state.gauges[key] {
            gauge = existing
        } else {
            gauge = registry.makeGauge(descriptor: Self.descriptor(definition), labels: Self.labels(definition, values))
            state.gauges[key] = gauge
        }
        gauge.set(Double(value))
    }

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

    private static func key(_ definition: MetricDefinition, _ values: [String]) -> String {
        definition.name + values.map { "|" + $0 }.joined()
    }

    /// Label names come from the catalog, values from the caller, so a series cannot carry
    /// labels its README row does not list.
    private static func labels(_ definition: MetricDefinition, _ values: [String]) -> [(String, String)] {
        precondition(values.count == definition.labels.count, "\(definition.name): labels \(definition.labels)")
        return Array(zip(definition.labels, values))
    }

    private static func descriptor(_ definition: MetricDefinition) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: definition.name, unitName: "", helpText: definition.help)
    }
}
