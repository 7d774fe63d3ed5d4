import CHiredis
public import ChorusCore
import Glibc

/// One blocking connection to one Redis server (hiredis's `redisContext`), with read and write
/// timeouts. Not thread-safe: one thread uses it (the committer, a test, the cluster thread).
/// After an I/O error the connection is unusable; callers open a new one.
public final class RedisConnection {
    public let endpoint: RedisEndpoint
    private let context: UnsafeMutablePointer<redisContext>

    public init(_ endpoint: RedisEndpoint, timeoutSeconds: Double = 2) throws(RedisError) {
        self.endpoint = endpoint
        let timeout = timeval(
            tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - timeoutSeconds.rounded(.down)) * 1e6))
        guard let context = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), timeout) else {
            throw .connect(endpoint, reason: "out of memory")
        }
        guard context.pointee.err == 0 else {
            let reason = Self.errorText(context)
            redisFree(context)
            throw .connect(endpoint, reason: reason)
        }
        redisSetTimeout(context, timeout)
        self.context = context
        if let password = endpoint.password {
            do {
                _ = try command(["AUTH", password])
            } catch {
                throw .connect(endpoint, reason: "AUTH refused")
            }
        }
    }

    deinit {
        redisFree(context)
    }

    /// Sends one command and waits for its reply. An error reply throws `.refused`.
    @discardableResult
    public func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try command(arguments.map { Array($0.utf8) }, name: arguments.first ?? "")
    }

    /// The binary-safe form: arguments as bytes.
    @discardableResult
    public func command(_ arguments: [[UInt8]], name: String) throws(RedisError) -> RedisReply {
        try append(arguments, name: name)
        return try reply(for: name)
    }

    /// Sends every command before reading any reply (one round trip); replies in order. Error
    /// replies are returned as `.error`, not thrown, so the caller sees each command's fate.
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        for arguments in commands { try append(arguments, name: "pipeline") }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try nextReply(for: "pipeline")) }
        return replies
    }

    /// Waits for the next message pushed on a subscribed connection (`SSUBSCRIBE`).
    public func nextPush() throws(RedisError) -> RedisReply {
        try nextReply(for: "subscription")
    }

    // Driven by a poll loop (`RedisSubscriber`): write without waiting for replies, read only
    // what the socket has, take the replies read so far.

    /// The socket, for `poll`.
    var fileDescriptor: Int32 { context.pointee.fd }

    /// Writes a command now; its reply is read later (`readAvailable`, `bufferedReply`).
    func send(_ arguments: [[UInt8]], name: String) throws(RedisError) {
        try append(arguments, name: name)
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else {
                throw .io(endpoint, command: name, reason: Self.errorText(context))
            }
        }
    }

    /// Reads what the socket has (one `read`; call when `poll` says it is readable).
    func readAvailable() throws(RedisError) {
        guard redisBufferRead(context) == REDIS_OK else {
            throw .io(endpoint, command: "read", reason: Self.errorText(context))
        }
    }

    /// The next complete reply already read, if any.
    func bufferedReply() throws(RedisError) -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
            throw .io(endpoint, command: "read", reason: Self.errorText(context))
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.copy(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func append(_ arguments: [[UInt8]], name: String) throws(RedisError) {
        var lengths = arguments.map(\.count)
        let pointers = arguments.map { argument -> UnsafeMutablePointer<CChar> in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(argument.count, 1))
            argument.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { bytes in
                    if let base = bytes.baseAddress { copy.initialize(from: base, count: bytes.count) }
                }
            }
            return copy
        }
        defer { for pointer in pointers { pointer.deallocate() } }
        var constPointers = pointers.map { UnsafePointer<CChar>?($0) }
        let status = redisAppendCommandArgv(context, Int32(arguments.count), &constPointers, &lengths)
        guard status == REDIS_OK else { throw .io(endpoint, command: name, reason: Self.errorText(context)) }
    }

    private func reply(for name: String) throws(RedisError) -> RedisReply {
        let reply = try nextReply(for: name)
        if case .error(let message) = reply { throw .refused(endpoint, command: name, message: message) }
        return reply
    }

    private func nextReply(for name: String) throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            throw .io(endpoint, command: name, reason: Self.errorText(context))
        }
        defer { freeReplyObject(raw) }
        return Self.copy(raw.assumingMemoryBound(to: redisReply.self))
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .string(bytes(value.str, count: Int(value.len)))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(value.str, count: Int(value.len)), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(value.str, count: Int(value.len)), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(Int(value.elements))
            for index in 0..<Int(value.elements) {
                if let element = value.element[index] { elements.append(copy(element)) }
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "error \(context.pointee.err)" : text
    }
}
