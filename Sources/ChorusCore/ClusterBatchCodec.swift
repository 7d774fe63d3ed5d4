/// A room batch as nodes exchange it through Redis: the messages without their numbers (the
/// room's script in Redis numbers the batch when it appends and publishes it) and the node
/// that flushed it. Compact and binary: lengths as varints, no JSON escaping, decoded once
/// per receiving node. Version 1; a decoder refuses any other.
///
/// Layout: version (1 byte), node (string), sent-at ms (varint), message count (varint), then
/// per message: kind (1 byte), user, locale, region, language (strings), flags (1 byte: bit 0
/// a client id follows, bit 1 a confidence follows), client id, confidence (8 bytes, IEEE
/// bits, little endian), received-at ms (varint), then the payload's fields by kind.
/// A string is its UTF-8 length (varint) and bytes.
public enum ClusterBatchCodec {
    public static let version: UInt8 = 1

    /// What a node publishes: `messages`' numbers are ignored (the script assigns them).
    public static func encode(node: String, sentAtMs: Int64, messages: [RoomMessage]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + messages.count * 96)
        out.append(version)
        appendString(node, to: &out)
        appendVarint(UInt64(bitPattern: sentAtMs), to: &out)
        appendVarint(UInt64(messages.count), to: &out)
        for message in messages { append(message, to: &out) }
        return out
    }

    /// A batch read back from Redis, numbered from `first`.
    public static func decode(_ bytes: [UInt8], first: UInt64) throws(ClusterBatchError) -> ClusterBatch {
        var reader = ByteReader(bytes)
        guard try reader.byte() == version else { throw .unknownVersion }
        let node = try reader.string()
        let sentAtMs = Int64(bitPattern: try reader.varint())
        let count = try reader.varint()
        // Every message takes at least 8 bytes: a count beyond that is a lie, not a reason to allocate.
        guard count <= UInt64(bytes.count / 8) else { throw .truncated }
        var messages: [RoomMessage] = []
        messages.reserveCapacity(Int(count))
        for index in 0..<count {
            messages.append(try readMessage(&reader, seq: first &+ index))
        }
        guard reader.isAtEnd else { throw .trailingBytes }
        return ClusterBatch(node: node, sentAtMs: sentAtMs, messages: messages)
    }

    /// How many messages a batch holds, read from its header only.
    public static func messageCount(_ bytes: [UInt8]) throws(ClusterBatchError) -> Int {
        var reader = ByteReader(bytes)
        guard try reader.byte() == version else { throw .unknownVersion }
        _ = try reader.string()
        _ = try reader.varint()
        return try reader.int()
    }

    private static func append(_ message: RoomMessage, to out: inout [UInt8]) {
        out.append(UInt8(message.payload.kind.index))
        appendString(message.author.user, to: &out)
        appendString(message.author.locale, to: &out)
        appendString(message.author.region, to: &out)
        appendString(message.language, to: &out)
        out.append((message.clientID == nil ? 0 : 1) | (message.confidence == nil ? 0 : 2))
        if let clientID = message.clientID { appendString(clientID, to: &out) }
        if let confidence = message.confidence {
            withUnsafeBytes(of: confidence.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        appendVarint(UInt64(bitPattern: message.receivedAtMs), to: &out)
        switch message.payload {
        case .chat(let text): appendString(text, to: &out)
        case .like(let count): appendVarint(UInt64(count), to: &out)
        case .gift(let name, let amount):
            appendString(name, to: &out)
            appendVarint(UInt64(amount), to: &out)
        case .cart(let sku): appendString(sku, to: &out)
        case .purchase(let sku, let quantity):
            appendString(sku, to: &out)
            appendVarint(UInt64(quantity), to: &out)
        case .coupon(let code): appendString(code, to: &out)
        }
    }

    private static func readMessage(_ reader: inout ByteReader, seq: UInt64) throws(ClusterBatchError) -> RoomMessage {
        let kindIndex = Int(try reader.byte())
        guard let kind = InteractionKind.allCases.first(where: { $0.index == kindIndex }) else { throw .unknownKind }
        let author = Author(user: try reader.string(), locale: try reader.string(), region: try reader.string())
        let language = try reader.string()
        let flags = try reader.byte()
        let clientID = flags & 1 != 0 ? try reader.string() : nil
        let confidence = flags & 2 != 0 ? Double(bitPattern: try reader.uint64LittleEndian()) : nil
        let receivedAtMs = Int64(bitPattern: try reader.varint())
        let payload: InteractionPayload
        switch kind {
        case .chat: payload = .chat(text: try reader.string())
        case .like: payload = .like(count: try reader.int())
        case .gift: payload = .gift(name: try reader.string(), amount: try reader.int())
        case .cart: payload = .cart(sku: try reader.string())
        case .purchase: payload = .purchase(sku: try reader.string(), quantity: try reader.int())
        case .coupon: payload = .coupon(code: try reader.string())
        }
        return RoomMessage(
            seq: seq, payload: payload, author: author, clientID: clientID, language: language,
            confidence: confidence, receivedAtMs: receivedAtMs)
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        appendVarint(UInt64(string.utf8.count), to: &out)
        out.append(contentsOf: string.utf8)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }
}

/// A batch decoded from Redis: its messages numbered, and which node flushed it when.
public struct ClusterBatch: Sendable, Equatable {
    public var node: String
    public var sentAtMs: Int64
    public var messages: [RoomMessage]
}

/// Why bytes from Redis are not a batch (another version of Chorus, or damage): the receiving
/// node reports the room's range as a gap rather than guess.
public enum ClusterBatchError: Error, Sendable, Equatable {
    case unknownVersion
    case truncated
    case trailingBytes
    case unknownKind
    case invalidUTF8
    case outOfRange
}
