/// Which room a connection is in and whether it publishes (packed into the pool's `tag`).
enum ConnectionTag {
    static func make(room: Int, isPublisher: Bool) -> Int { room << 1 | (isPublisher ? 1 : 0) }
    static func room(_ tag: Int) -> Int { tag >> 1 }
    static func isPublisher(_ tag: Int) -> Bool { tag & 1 != 0 }
}

/// Accounts every frame every connection receives: welcomes, batches, `missed`, errors.
///
/// This is the bench's hot path, called once per received frame. It keeps per-connection
/// sequence checks, marks messages accepted the first time any member sees them, and records
/// one latency per delivery of the bench's own messages to a viewer.
///
/// A plain relay (`ServerKind.plain`) sends no welcome and no sequence numbers: a connection
/// counts as welcomed once upgraded, and each frame is one message, accounted like one message
/// of a batch so both servers are measured alike. Its sequence counters stay at zero.
final class DeliveryRecorder: WebSocketEventHandler, WelcomeCounting {
    let run: UInt16
    private let useCache: Bool
    private let server: ServerKind
    /// Count messages sent by another process of the same run (a `hold` child sees the
    /// parent's probes): every message of the run is attributed to the current step, room 0.
    var countsForeignMessages = false
    private(set) var steps: [StepCounters] = []
    private(set) var trackers: [SequenceTracker] = []
    /// The connection tag of each tracker (connections are released when they close).
    private var trackerTags: [Int] = []
    private var caches: [BatchCache]
    private var acceptedBits: [UInt64] = []
    private var publisherRooms: [Int] = []
    private(set) var nextMessageIndex = 0
    /// Welcomed viewers currently connected, per room.
    private(set) var viewersInRoom: [Int]
    private(set) var welcomedViewers = 0
    private(set) var welcomedPublishers = 0
    /// Welcomed connections that ended before the bench closed them.
    private(set) var droppedAfterWelcome = 0
    var welcomedConnections: Int { welcomedViewers + welcomedPublishers }

    init(run: UInt16, rooms: Int, useCache: Bool = true, server: ServerKind = .chorus) {
        self.run = run
        self.useCache = useCache
        self.server = server
        caches = Array(repeating: BatchCache(), count: rooms)
        viewersInRoom = Array(repeating: 0, count: rooms)
        steps = [StepCounters(firstIndex: 0)]
    }

    /// Registers a publisher in `room`; the returned id goes into its messages' `cid`.
    func addPublisher(room: Int) -> Int {
        publisherRooms.append(room)
        return publisherRooms.count - 1
    }

    /// Starts a new step; returns its index. Step 0 exists from the start (warm-up).
    @discardableResult
    func beginStep() -> Int {
        steps.append(StepCounters(firstIndex: nextMessageIndex))
        return steps.count - 1
    }

    /// Allocates the index of a message about to be sent in the current step.
    func allocateMessage() -> Int {
        steps[steps.count - 1].sent += 1
        nextMessageIndex += 1
        return nextMessageIndex - 1
    }

    /// Sequence counters summed over the viewers (publishers excluded), and how many viewers
    /// have at least one anomaly.
    func viewerSequenceTotals() -> (counters: SequenceTracker.Counters, affected: Int) {
        var total = SequenceTracker.Counters()
        var affected = 0
        for (id, tracker) in trackers.enumerated() where !ConnectionTag.isPublisher(trackerTags[id]) {
            total = total + tracker.counters
            if tracker.counters.hasAnomaly { affected += 1 }
        }
        return (total, affected)
    }

    func connectionDidOpen(_ connection: WebSocketClientConnection, at now: UInt64) {
        while trackers.count <= connection.id {
            trackers.append(SequenceTracker())
            trackerTags.append(0)
        }
        trackerTags[connection.id] = connection.tag
        if server == .plain { markWelcomed(connection, seq: 0) }
    }

    func connectionDidClose(_ connection: WebSocketClientConnection, reason: CloseReason) {
        guard connection.id < trackers.count, trackers[connection.id].hasStarted else { return }
        if reason.text != "bench finished" { droppedAfterWelcome += 1 }
        if !ConnectionTag.isPublisher(connection.tag) {
            viewersInRoom[ConnectionTag.room(connection.tag)] -= 1
        }
    }

    func connection(
        _ connection: WebSocketClientConnection, didReceive payload: UnsafeRawBufferPointer,
        at now: UInt64
    ) {
        let current = steps.count - 1
        steps[current].bytesReceived += payload.count
        if server == .plain {
            receivePlainMessage(connection, payload: payload, at: now)
            return
        }
        switch FrameScanner.kind(of: payload) {
        case .batch:
            receiveBatch(connection, payload: payload, at: now)
        case .missed:
            guard let from = FrameScanner.integer(after: FrameScanner.Keys.from, in: payload),
                let to = FrameScanner.integer(after: FrameScanner.Keys.to, in: payload)
            else { return }
            trackers[connection.id].missed(from: from, to: to)
        case .welcome:
            let seq = FrameScanner.integer(after: FrameScanner.Keys.seq, in: payload) ?? 0
            markWelcomed(connection, seq: seq)
        case .error:
            steps[current].serverErrors += 1
        case .ack, .other:
            break
        }
    }

    /// Whether every message of `step` was broadcast and delivered to every viewer.
    func isSettled(step: Int) -> Bool {
        // Field by field: copying the whole `StepCounters` would share its histograms and make
        // the next `record` copy them.
        steps[step].accepted == steps[step].sent && steps[step].received >= steps[step].expected
    }

    /// Whether connection `id` has received its welcome.
    func isWelcomed(_ id: Int) -> Bool { id < trackers.count && trackers[id].hasStarted }

    /// Counts the connection in (once): its sequence starts after `seq`, a viewer joins its room.
    private func markWelcomed(_ connection: WebSocketClientConnection, seq: UInt64) {
        guard !trackers[connection.id].hasStarted else { return }
        trackers[connection.id].welcome(seq: seq)
        if ConnectionTag.isPublisher(connection.tag) {
            welcomedPublishers += 1
        } else {
            welcomedViewers += 1
            viewersInRoom[ConnectionTag.room(connection.tag)] += 1
        }
    }

    /// A plain relay's frame: the verbatim chat frame of one message, found by its `cid`.
    private func receivePlainMessage(
        _ connection: WebSocketClientConnection, payload: UnsafeRawBufferPointer, at now: UInt64
    ) {
        let isPublisher = ConnectionTag.isPublisher(connection.tag)
        FrameScanner.forEachCid(in: payload) { cid in
            guard let message = accept(cid: cid) else { return }
            recordDelivery(of: message, toPublisher: isPublisher, at: now)
        }
    }

    private func receiveBatch(
        _ connection: WebSocketClientConnection, payload: UnsafeRawBufferPointer, at now: UInt64
    ) {
        guard let from = FrameScanner.integer(after: FrameScanner.Keys.from, in: payload),
            let to = FrameScanner.integer(after: FrameScanner.Keys.to, in: payload)
        else { return }
        guard trackers[connection.id].batch(from: from, to: to) == .fresh else { return }
        let room = ConnectionTag.room(connection.tag)
        let messages: [BatchCache.Message]
        if useCache, let entry = caches[room].lookup(from: from, to: to, length: payload.count) {
            messages = entry.messages
        } else {
            messages = scan(payload, from: from, to: to)
            if useCache {
                caches[room].insert(
                    BatchCache.Entry(from: from, to: to, length: payload.count, messages: messages))
            }
        }
        let isPublisher = ConnectionTag.isPublisher(connection.tag)
        for message in messages { recordDelivery(of: message, toPublisher: isPublisher, at: now) }
    }

    /// One message reaching one member: a viewer's delivery, or a publisher's echo.
    private func recordDelivery(of message: BatchCache.Message, toPublisher: Bool, at now: UInt64) {
        let step = Int(message.step)
        let microseconds = StepCounters.clampMicroseconds(now &- message.sentAt)
        if toPublisher {
            steps[step].echoed += 1
            steps[step].echoLatency.record(microseconds)
        } else {
            steps[step].received += 1
            steps[step].latency.record(microseconds)
        }
    }

    /// Full scan of one batch: finds the bench's messages and marks them accepted.
    private func scan(
        _ payload: UnsafeRawBufferPointer, from: UInt64, to: UInt64
    ) -> [BatchCache.Message] {
        var messages: [BatchCache.Message] = []
        if FrameScanner.count(FrameScanner.Keys.seq, in: payload) != Int(to &- from &+ 1) {
            steps[steps.count - 1].malformedBatches += 1
        }
        FrameScanner.forEachCid(in: payload) { cid in
            if let message = accept(cid: cid) { messages.append(message) }
        }
        return messages
    }

    /// The message `cid` names if it is one of this run's, marked accepted; nil otherwise.
    private func accept(cid: UnsafeRawBufferPointer) -> BatchCache.Message? {
        guard let id = BenchMessageID(cid: cid, run: run) else { return nil }
        let step: Int
        let room: Int
        if countsForeignMessages {
            (step, room) = (steps.count - 1, 0)
        } else {
            guard id.index < nextMessageIndex, id.publisher < publisherRooms.count else { return nil }
            (step, room) = (stepIndex(ofMessage: id.index), publisherRooms[id.publisher])
        }
        markAccepted(index: id.index, step: step, room: room)
        return BatchCache.Message(step: Int32(step), publisher: Int32(id.publisher), sentAt: id.sentAt)
    }

    private func markAccepted(index: Int, step: Int, room: Int) {
        let word = index >> 6
        while acceptedBits.count <= word { acceptedBits.append(0) }
        let bit: UInt64 = 1 << UInt64(index & 63)
        guard acceptedBits[word] & bit == 0 else { return }
        acceptedBits[word] |= bit
        steps[step].accepted += 1
        steps[step].expected += viewersInRoom[room]
    }

    private func stepIndex(ofMessage index: Int) -> Int {
        var step = steps.count - 1
        while step > 0 && steps[step].firstIndex > index { step -= 1 }
        return step
    }
}
