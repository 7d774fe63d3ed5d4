/// Appends JSON to a byte buffer. Frames are written once per batch and shared by every
/// recipient, so the writer favours plain byte appends over any intermediate representation.
///
/// The writer owns its buffer and is noncopyable: appends go straight to memory after one
/// capacity check, where appending to an `Array` cost about a hundred instructions each and was
/// most of the cost of encoding a batch (docs/performance.md).
public struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether the next member or element needs a comma before it.
    var needsSeparator = false

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// What has been written so far.
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(count + extra, capacity * 2)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }

    private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private mutating func append(_ source: UnsafeBufferPointer<UInt8>) {
        guard let start = source.baseAddress, !source.isEmpty else { return }
        reserve(source.count)
        (base + count).update(from: start, count: source.count)
        count += source.count
    }

    public mutating func raw(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func raw(_ byte: UInt8) {
        append(byte)
    }

    /// Writes `"key":` (the key must need no escaping).
    public mutating func key(_ name: StaticString) {
        reserve(name.utf8CodeUnitCount + 3)
        append(UInt8(ascii: "\""))
        raw(name)
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        if value == 0 {
            append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { append(UInt8(ascii: "-")) }
        // Digits right to left into scratch space, then one append: per-byte appends cost more
        // than the arithmetic for a 13-digit timestamp. The scratch is a tuple, which stays on
        // the stack: `withUnsafeTemporaryAllocation` here was a malloc and free per timestamp.
        var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)  // 40 digits
        withUnsafeMutableBytes(of: &scratch) { raw in
            let buffer = raw.bindMemory(to: UInt8.self)
            var start = buffer.count
            while magnitude > 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            append(UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Writes a probability with two decimals, which is all a confidence needs.
    public mutating func fraction(_ value: Double) {
        let clamped = max(0, min(1, value))
        let hundredths = Int((clamped * 100).rounded())
        integer(hundredths / 100)
        append(UInt8(ascii: "."))
        append(UInt8(ascii: "0") + UInt8((hundredths % 100) / 10))
        append(UInt8(ascii: "0") + UInt8(hundredths % 10))
    }

    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    public mutating func string(_ value: String) {
        append(UInt8(ascii: "\""))
        value.withUTF8Bytes { escaped($0) }
        append(UInt8(ascii: "\""))
    }

    /// Appends `utf8` with JSON escapes, copying runs that need none in one go (chat text
    /// rarely has any). Eight bytes are checked at a time for a control byte, `"` or `\`.
    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let start = utf8.baseAddress else { return }
        let count = utf8.count
        var runStart = 0
        var index = 0
        while index < count {
            if index + 8 <= count,
                !Self.mayNeedEscape(UnsafeRawPointer(start + index).loadUnaligned(as: UInt64.self))
            {
                index += 8
                continue
            }
            let byte = start[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                append(UnsafeBufferPointer(start: start + runStart, count: index - runStart))
                escape(byte)
                runStart = index + 1
            }
            index += 1
        }
        append(UnsafeBufferPointer(start: start + runStart, count: count - runStart))
    }

    /// Whether any of the 8 bytes in `word` is below 0x20, `"` or `\` (it may also say so
    /// for a byte next to one that is: the caller then checks those bytes one by one).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highBits != 0 }
        let control = (word &- 0x20 &* ones) & ~word & highBits != 0
        return control || hasZeroByte(word ^ (0x22 &* ones)) || hasZeroByte(word ^ (0x5C &* ones))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            raw("\\u00")
            append(Self.hexDigit(byte >> 4))
            append(Self.hexDigit(byte & 0x0F))
        }
    }

    public mutating func stringArray(_ values: [String]) {
        append(UInt8(ascii: "["))
        for (position, value) in values.enumerated() {
            if position > 0 { append(UInt8(ascii: ",")) }
            string(value)
        }
        append(UInt8(ascii: "]"))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
