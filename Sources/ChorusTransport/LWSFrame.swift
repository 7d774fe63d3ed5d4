import CChorusLWS
import ChorusCore

/// A frame laid out the way `lws_write` wants it: `LWS_PRE` bytes of headroom, then the
/// payload. lws writes the WebSocket header into the headroom, so a frame is shared only by
/// connections of one service thread (each thread makes its own copy of a batch).
final class LWSFrame: OutboundFrame {
    static let headroom = Int(chorus_lws_pre())

    let storage: UnsafeMutableRawPointer
    let byteCount: Int

    init(_ payload: [UInt8]) {
        byteCount = payload.count
        storage = UnsafeMutableRawPointer.allocate(byteCount: Self.headroom + max(payload.count, 1), alignment: 16)
        payload.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress {
                (storage + Self.headroom).copyMemory(from: base, byteCount: payload.count)
            }
        }
    }

    deinit {
        storage.deallocate()
    }

    /// The payload's first byte; lws may write up to `LWS_PRE` bytes before it.
    var payload: UnsafeMutablePointer<UInt8> {
        (storage + Self.headroom).assumingMemoryBound(to: UInt8.self)
    }
}
