/// The `cid` the bench puts on each chat message: `cb<run>.<publisher>.<index>.<sentAt>`.
///
/// All four parts are lowercase hex. `run` is random per bench run so messages left in a room
/// by an earlier run are not counted; `index` numbers the run's messages (it keys the accepted
/// bitmap and the step a delivery belongs to); `sentAt` is the *intended* send time on
/// `CLOCK_MONOTONIC`, so a bench that falls behind its schedule shows up as latency instead of
/// hiding it (no coordinated omission). Receipt time minus `sentAt` is the delivery latency.
struct BenchMessageID: Equatable {
    var publisher: Int
    var index: Int
    var sentAt: UInt64

    /// Appends the `cid` text for this message under `run` to `output`.
    func append(run: UInt16, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "c"))
        output.append(UInt8(ascii: "b"))
        Self.appendHex(UInt64(run), to: &output)
        output.append(UInt8(ascii: "."))
        Self.appendHex(UInt64(publisher), to: &output)
        output.append(UInt8(ascii: "."))
        Self.appendHex(UInt64(index), to: &output)
        output.append(UInt8(ascii: "."))
        Self.appendHex(sentAt, to: &output)
    }

    /// Appends `<run>.<publisher>.<index>` (hex): what identifies the interaction across
    /// resends, for its idempotency key.
    func appendKey(run: UInt16, to output: inout [UInt8]) {
        Self.appendHex(UInt64(run), to: &output)
        output.append(UInt8(ascii: "."))
        Self.appendHex(UInt64(publisher), to: &output)
        output.append(UInt8(ascii: "."))
        Self.appendHex(UInt64(index), to: &output)
    }

    /// Parses a `cid` value; nil if it is not one of this run's messages.
    init?(cid: UnsafeRawBufferPointer, run: UInt16) {
        guard cid.count > 2, cid[0] == UInt8(ascii: "c"), cid[1] == UInt8(ascii: "b") else {
            return nil
        }
        var cursor = 2
        var parts: [UInt64] = [0, 0, 0, 0]
        for part in 0..<4 {
            var value: UInt64 = 0
            var digits = 0
            while cursor < cid.count && cid[cursor] != UInt8(ascii: ".") {
                guard let nibble = Self.nibble(cid[cursor]), digits < 16 else { return nil }
                value = value << 4 | UInt64(nibble)
                digits += 1
                cursor += 1
            }
            guard digits > 0, part == 3 || cursor < cid.count else { return nil }
            parts[part] = value
            cursor += 1
        }
        guard parts[0] == UInt64(run) else { return nil }
        publisher = Int(parts[1])
        index = Int(parts[2])
        sentAt = parts[3]
    }

    init(publisher: Int, index: Int, sentAt: UInt64) {
        self.publisher = publisher
        self.index = index
        self.sentAt = sentAt
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendHex(_ value: UInt64, to output: inout [UInt8]) {
        let digits = hexDigits
        var shift = max(0, (64 - value.leadingZeroBitCount + 3) / 4 - 1) * 4
        while shift >= 0 {
            output.append(digits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
