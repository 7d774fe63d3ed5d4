import CLibWebSockets
import ChorusCore

/// The HTTP surface before any upgrade or route: every request head is checked by the core
/// (`HTTPRequestHead.checkUpgrade`, `checkPlain`) and a refusal is written here, then the
/// connection is closed (-1 to lws), so nothing a refused client sent after it is answered.
final class HTTPSurface {
    private let statistics: ThreadStatistics

    init(statistics: ThreadStatistics) {
        self.statistics = statistics
    }

    /// LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: lws asks before it upgrades (to `websocket` or
    /// `h2c`), after the whole head is parsed. 0 lets lws go on; -1 closes.
    func confirmUpgrade(_ wsi: OpaquePointer) -> Int32 {
        let head = HTTPRequestHead(wsi: wsi)
        // lws 4.1 answers an upgrade to anything but `websocket` and `h2c` with its own
        // `403 Forbidden` and then asks anyway: close after its answer, add nothing.
        guard let upgrade = head.upgrade?.lowercased(), upgrade == "websocket" || upgrade == "h2c" else { return -1 }
        do {
            try head.checkUpgrade()
            return 0
        } catch {
            return refuse(wsi, error)
        }
    }

    /// LWS_CALLBACK_FILTER_HTTP_CONNECTION: a request without `Upgrade`, before LWS_CALLBACK_HTTP.
    func filterPlain(_ wsi: OpaquePointer) -> Int32 {
        do {
            try HTTPRequestHead(wsi: wsi).checkPlain()
            return 0
        } catch {
            return refuse(wsi, error)
        }
    }

    /// LWS_CALLBACK_RAW_ADOPT: lws 4.1 turns a `CONNECT` request into a raw socket (its
    /// fallback role) with no timeout; Chorus proxies nothing, so it answers 405 and closes.
    func refuseConnect(_ wsi: OpaquePointer) -> Int32 {
        refuse(wsi, .methodNotAllowed)
    }

    private func refuse(_ wsi: OpaquePointer, _ refusal: HTTPRefusal) -> Int32 {
        statistics.current.refusedRequests[refusal.status, default: 0] += 1
        let frame = LWSFrame(refusal.bytes)
        // Small enough for one send(); lws keeps what the socket did not take and flushes it
        // before the close.
        _ = lws_write(wsi, frame.payload, frame.byteCount, LWS_WRITE_HTTP)
        return -1
    }
}
