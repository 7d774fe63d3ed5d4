import CLibWebSockets
import ChorusCore

/// Plain HTTP on the WebSocket port (`/healthz`, `/metrics`, the stats API): the relay's
/// responder decides, lws writes.
final class HTTPRoutes {
    unowned(unsafe) let relay: RelayServer

    init(relay: RelayServer) {
        self.relay = relay
    }

    /// LWS_CALLBACK_HTTP; returns what the callback returns.
    func serve(_ wsi: OpaquePointer) -> Int32 {
        let request = UpgradeRequest(wsi: wsi)
        // Only GET gets here: `HTTPSurface.filterPlain` answered every other method with 405.
        let response = relay.responder.respond(
            to: HTTPRequest(method: "GET", path: request.path, arguments: request.arguments), relay: relay)
        var headers = [UInt8](repeating: 0, count: LWSFrame.headroom + 1024)
        let headerStatus: Int32 = headers.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return -1 }
            let start = base + LWSFrame.headroom
            var cursor: UnsafeMutablePointer<UInt8>? = start
            let end = base + buffer.count - 1
            if lws_add_http_common_headers(
                wsi, UInt32(response.status), response.contentType, lws_filepos_t(response.body.count), &cursor, end)
                != 0
            {
                return -1
            }
            return lws_finalize_write_http_header(wsi, start, &cursor, end)
        }
        guard headerStatus == 0 else { return -1 }
        let body = LWSFrame(response.body)
        guard lws_write(wsi, body.payload, body.byteCount, LWS_WRITE_HTTP_FINAL) >= body.byteCount else { return -1 }
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }
}
