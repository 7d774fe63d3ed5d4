/// RFC 6455 framing: decoding server frames and encoding masked client frames.
///
/// Decoding works on the bytes as they sit in a read buffer and never copies a payload: the
/// caller gets offsets and hands the payload slice to the scanner directly.
enum WebSocketFrameCodec {
    enum Opcode: UInt8 {
        case continuation = 0x0
        case text = 0x1
        case binary = 0x2
        case close = 0x8
        case ping = 0x9
        case pong = 0xA

        var isControl: Bool { rawValue & 0x8 != 0 }
    }

    struct Header {
        var isFinal: Bool
        var opcode: Opcode
        var headerLength: Int
        var payloadLength: Int

        var frameLength: Int { headerLength + payloadLength }
    }

    enum DecodeResult {
        case needMore
        case frame(Header)
        case invalid(String)
    }

    /// The largest frame accepted from the server; batches are tens of KB, so anything near
    /// this means the stream is corrupt.
    static let maxFrameLength = 64 << 20

    /// Parses the frame header at the start of `bytes`, if the whole header is there.
    static func decodeHeader(_ bytes: UnsafeRawBufferPointer) -> DecodeResult {
        guard bytes.count >= 2 else { return .needMore }
        let first = bytes[0]
        let second = bytes[1]
        guard first & 0x70 == 0 else { return .invalid("reserved bits set (no extension agreed)") }
        guard let opcode = Opcode(rawValue: first & 0x0F) else {
            return .invalid("unknown opcode \(first & 0x0F)")
        }
        guard second & 0x80 == 0 else { return .invalid("server frame is masked") }
        let isFinal = first & 0x80 != 0
        var length = Int(second & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard bytes.count >= 4 else { return .needMore }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            headerLength = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .needMore }
            var wide: UInt64 = 0
            for index in 2..<10 { wide = wide << 8 | UInt64(bytes[index]) }
            guard wide <= UInt64(maxFrameLength) else { return .invalid("frame of \(wide) bytes") }
            length = Int(wide)
            headerLength = 10
        }
        if opcode.isControl && (length > 125 || !isFinal) {
            return .invalid("control frame fragmented or longer than 125 bytes")
        }
        return .frame(
            Header(
                isFinal: isFinal, opcode: opcode, headerLength: headerLength,
                payloadLength: length))
    }

    /// Appends one final, masked client frame carrying `payload` to `output`.
    static func appendMaskedFrame(
        opcode: Opcode, payload: UnsafeRawBufferPointer, maskKey: UInt32,
        to output: inout [UInt8]
    ) {
        output.append(0x80 | opcode.rawValue)
        let count = payload.count
        if count < 126 {
            output.append(0x80 | UInt8(count))
        } else if count <= 0xFFFF {
            output.append(0x80 | 126)
            output.append(UInt8(count >> 8))
            output.append(UInt8(count & 0xFF))
        } else {
            output.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                output.append(UInt8(truncatingIfNeeded: UInt64(count) >> UInt64(shift)))
            }
        }
        let mask = [
            UInt8(maskKey >> 24), UInt8(maskKey >> 16 & 0xFF), UInt8(maskKey >> 8 & 0xFF),
            UInt8(maskKey & 0xFF),
        ]
        output.append(contentsOf: mask)
        for index in 0..<count {
            output.append(payload[index] ^ mask[index & 3])
        }
    }
}
