import Glibc

/// Reads the few fields the bench needs from server frames without decoding JSON.
///
/// At 1,000 viewers and 3,000 msg/s the bench receives several hundred MB/s of batches; decoding
/// each into objects would make the bench, not the server, the bottleneck. The server writes
/// compact JSON with the header keys (`type`, `from`, `to`) before `messages`, and a JSON string
/// can never contain an unescaped `"`, so searching for `"cid":"` only finds real `cid` keys.
enum FrameScanner {
    enum Kind {
        case batch
        case missed
        case welcome
        case error
        case ack
        case other
    }

    /// The `"type"` of a server frame, read from the first `"type":"` occurrence.
    static func kind(of payload: UnsafeRawBufferPointer) -> Kind {
        guard let start = find(Keys.type, in: payload, from: 0) else { return .other }
        let value = UnsafeRawBufferPointer(rebasing: payload[start...])
        if hasPrefix(value, Keys.batch) { return .batch }
        if hasPrefix(value, Keys.missed) { return .missed }
        if hasPrefix(value, Keys.welcome) { return .welcome }
        if hasPrefix(value, Keys.error) { return .error }
        if hasPrefix(value, Keys.ack) { return .ack }
        return .other
    }

    /// The unsigned integer after the first occurrence of `key` (e.g. `"from":`).
    static func integer(after key: [UInt8], in payload: UnsafeRawBufferPointer) -> UInt64? {
        guard var index = find(key, in: payload, from: 0) else { return nil }
        while index < payload.count && payload[index] == UInt8(ascii: " ") { index += 1 }
        var value: UInt64 = 0
        var digits = 0
        while index < payload.count {
            let digit = payload[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    /// Calls `body` with the value bytes of every `"cid":"…"` in `payload`.
    static func forEachCid(
        in payload: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        var index = 0
        while let start = find(Keys.cid, in: payload, from: index) {
            var end = start
            while end < payload.count && payload[end] != UInt8(ascii: "\"") { end += 1 }
            body(UnsafeRawBufferPointer(rebasing: payload[start..<end]))
            index = end
        }
    }

    /// How many times `needle` occurs (e.g. `"seq":` = messages in a batch).
    static func count(_ needle: [UInt8], in payload: UnsafeRawBufferPointer) -> Int {
        var total = 0
        var index = 0
        while let end = find(needle, in: payload, from: index) {
            total += 1
            index = end
        }
        return total
    }

    /// Index just past the first occurrence of `needle` at or after `from`.
    ///
    /// `memchr` jumps between candidates for the needle's second byte (the first is always a
    /// quote, far too common in JSON to be a useful anchor).
    static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        let length = needle.count
        guard length >= 2, let base = haystack.baseAddress else { return nil }
        let anchor = Int32(needle[1])
        var position = from + 1
        while position < haystack.count {
            guard let hit = memchr(base + position, anchor, haystack.count - position) else {
                return nil
            }
            let candidate = base.distance(to: UnsafeRawPointer(hit)) - 1
            if candidate + length <= haystack.count
                && needle.withUnsafeBytes({ memcmp(base + candidate, $0.baseAddress!, length) }) == 0
            {
                return candidate + length
            }
            position = candidate + 2
        }
        return nil
    }

    private static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count, let base = bytes.baseAddress else { return false }
        return prefix.withUnsafeBytes { memcmp(base, $0.baseAddress!, prefix.count) } == 0
    }

    enum Keys {
        static let type = Array("\"type\":\"".utf8)
        static let batch = Array("batch\"".utf8)
        static let missed = Array("missed\"".utf8)
        static let welcome = Array("welcome\"".utf8)
        static let error = Array("error\"".utf8)
        static let ack = Array("ack\"".utf8)
        static let from = Array("\"from\":".utf8)
        static let to = Array("\"to\":".utf8)
        static let seq = Array("\"seq\":".utf8)
        static let cid = Array("\"cid\":\"".utf8)
        static let count = Array("\"count\":".utf8)
    }
}
