import CLibWebSockets
import ChorusCore

#if canImport(Glibc)
    import Glibc
#endif

// chorus-echo [port]: the conformance profile's echo endpoint (see EchoServer). Not a relay:
// never deploy it; it listens on 127.0.0.1 only.

nonisolated(unsafe) let server = EchoServer()

func echoCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi else { return 0 }
    if reason == LWS_CALLBACK_ESTABLISHED || reason == LWS_CALLBACK_RECEIVE
        || reason == LWS_CALLBACK_WS_PEER_INITIATED_CLOSE || reason == LWS_CALLBACK_SERVER_WRITEABLE
        || reason == LWS_CALLBACK_CLOSED
    {
        return server.handle(wsi, reason, input, length)
    }
    return lws_callback_http_dummy(wsi, reason, user, input, length)
}

let arguments = CommandLine.arguments
guard arguments.count <= 2, let port = Int32(arguments.count == 2 ? arguments[1] : "9001"), port > 0 else {
    print("usage: chorus-echo [port]  (default 9001; binds 127.0.0.1)")
    exit(64)
}

lws_set_log_level(Int32(LLL_ERR), nil)
let protocolName = strdup("echo")
let protocols = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 2)
protocols.initialize(repeating: lws_protocols(), count: 2)
protocols[0].name = UnsafePointer(protocolName)
protocols[0].callback = echoCallback
protocols[0].rx_buffer_size = EchoServer.receiveBufferBytes
protocols[0].tx_packet_size = 0

var info = lws_context_creation_info()
info.port = port
let interface = strdup("127.0.0.1")
info.iface = UnsafePointer(interface)
info.protocols = UnsafePointer(protocols)
info.pt_serv_buf_size = UInt32(EchoServer.receiveBufferBytes)
// As chorusd: no LWS_SERVER_OPTION_VALIDATE_UTF8 (FrameRules and UTF8Validator check instead).
info.options = 0
guard let context = lws_create_context(&info) else {
    print("chorus-echo: cannot listen on 127.0.0.1:\(port)")
    exit(1)
}
print("chorus-echo: listening on ws://127.0.0.1:\(port)")
fflush(nil)
while lws_service(context, 0) >= 0 {}
lws_context_destroy(context)
