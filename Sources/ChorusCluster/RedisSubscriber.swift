public import ChorusCore
import ChorusSync
import Glibc
import Synchronization

/// One thread holding one subscription connection to one Redis server: the rooms' shard
/// channels (`SSUBSCRIBE`) a node has members in. Other threads ask to subscribe or
/// unsubscribe through a locked inbox and wake the thread through a pipe; the thread polls
/// the socket and the pipe and calls the handler with every room batch pushed. When the
/// connection breaks it reconnects (backing off up to 1 s), subscribes to every channel
/// again and calls `connected` — batches published meanwhile are only in history, which the
/// handler reads (`RoomFeed.catchUp`).
///
/// Threads: `subscribe`, `unsubscribe`, `stop` from any thread; the handler runs on the
/// subscriber's thread only.
public final class RedisSubscriber: @unchecked Sendable {
    public struct Handler: Sendable {
        /// A batch published in `room`, numbered from `first`.
        public var batch: @Sendable (_ room: String, _ first: UInt64, _ bytes: [UInt8]) -> Void
        /// Redis confirmed the subscription to `room` (also after a reconnect): everything
        /// published from now on is heard; anything before is in the room's history.
        public var subscribed: @Sendable (_ room: String) -> Void
        /// Anything else pushed on a room's channel (a slow mode change).
        public var other: @Sendable (_ push: RedisReply) -> Void
        /// Connected (again); the subscriptions follow, each confirmed through `subscribed`.
        public var connected: @Sendable () -> Void
        /// The connection is down (or could not be made): nothing is heard until `connected`.
        public var disconnected: @Sendable (RedisError) -> Void

        public init(
            batch: @escaping @Sendable (String, UInt64, [UInt8]) -> Void,
            subscribed: @escaping @Sendable (String) -> Void = { _ in },
            other: @escaping @Sendable (RedisReply) -> Void = { _ in },
            connected: @escaping @Sendable () -> Void, disconnected: @escaping @Sendable (RedisError) -> Void
        ) {
            self.batch = batch
            self.subscribed = subscribed
            self.other = other
            self.connected = connected
            self.disconnected = disconnected
        }
    }

    private enum Request {
        case subscribe(String)
        case unsubscribe(String)
    }

    public let endpoint: RedisEndpoint
    private let handler: Handler
    private let requests = Locked<[Request]>([])
    private let stopping = Atomic<Bool>(false)
    private let wakeup = WakeupPipe()
    private var thread: JoinableThread?
    /// The subscriber thread's own: the rooms it is (or will be, once connected) subscribed to.
    private var rooms: Set<String> = []

    public init(endpoint: RedisEndpoint, handler: Handler) {
        self.endpoint = endpoint
        self.handler = handler
    }

    public func start() {
        // The thread holds the subscriber until `run` returns.
        guard let thread = JoinableThread.start({ self.run() }) else {
            preconditionFailure("cannot start the Redis subscriber thread")
        }
        self.thread = thread
    }

    /// Stops the thread and waits for it.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        wake()
        thread?.join()
        thread = nil
    }

    public func subscribe(room: String) {
        requests.withLock { $0.append(.subscribe(room)) }
        wake()
    }

    public func unsubscribe(room: String) {
        requests.withLock { $0.append(.unsubscribe(room)) }
        wake()
    }

    private func wake() {
        wakeup.wake()
    }

    private func run() {
        var backoffMs: Int32 = 50
        while !stopping.load(ordering: .acquiring) {
            do {
                let connection = try RedisConnection(endpoint)
                applyRequests()
                for room in rooms { try connection.send(Self.command("SSUBSCRIBE", room), name: "SSUBSCRIBE") }
                handler.connected()
                backoffMs = 50
                try serve(connection)
            } catch {
                handler.disconnected(error)
                wakeup.wait(timeoutMs: backoffMs)
                backoffMs = min(backoffMs * 2, 1_000)
            }
        }
    }

    /// Polls the connection and the wake-up until stopped or the connection fails.
    private func serve(_ connection: RedisConnection) throws(RedisError) {
        var descriptors = [
            pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while !stopping.load(ordering: .acquiring) {
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else {
                throw .io(endpoint, command: "poll", reason: "errno \(errno)")
            }
            if descriptors[1].revents != 0 {
                wakeup.drain()
                for (verb, room) in applyRequests() {
                    try connection.send(Self.command(verb, room), name: verb)
                }
            }
            if descriptors[0].revents != 0 {
                try connection.readAvailable()
                while let reply = try connection.bufferedReply() {
                    if let published = RoomLog.published(reply) {
                        handler.batch(published.room, published.first, published.bytes)
                    } else if let room = RoomLog.subscribed(reply) {
                        handler.subscribed(room)
                    } else {
                        handler.other(reply)
                    }
                }
            }
        }
    }

    /// Takes the requests: updates `rooms` and returns the commands for the changes.
    @discardableResult
    private func applyRequests() -> [(String, String)] {
        let taken = requests.withLock { requests in
            defer { requests = [] }
            return requests
        }
        var commands: [(String, String)] = []
        for request in taken {
            switch request {
            case .subscribe(let room):
                if rooms.insert(room).inserted { commands.append(("SSUBSCRIBE", room)) }
            case .unsubscribe(let room):
                if rooms.remove(room) != nil { commands.append(("SUNSUBSCRIBE", room)) }
            }
        }
        return commands
    }

    private static func command(_ verb: String, _ room: String) -> [[UInt8]] {
        [Array(verb.utf8), Array(RoomLog.channel(room).utf8)]
    }
}
