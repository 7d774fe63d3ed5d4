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
        // than the arithmetic for a 13-digit timestamp.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
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
        var value = value
        // Copy runs of bytes that need no escaping in one go: chat text rarely has any.
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                escape(byte)
                runStart = index + 1
            }
            append(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        append(UInt8(ascii: "\""))
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
