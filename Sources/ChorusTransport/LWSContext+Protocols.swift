import CLibWebSockets
import ChorusCore

extension LWSContext {
    /// Receive buffer of the default protocol: allocated per connection, so it is small. A
    /// chat frame (≈ 60–120 bytes) may take two reads and a reassembly, which a viewer sending
    /// at most a line a second never notices; 192 bytes cost 128 more on every idle viewer.
    static let viewerReceiveBufferBytes = 64

    /// The lws protocol table: `chorus.v1` (the default, for clients that name none) and
    /// `chorus.ingest`, the same protocol with a larger receive buffer, then the terminator;
    /// and the names it points to.
    ///
    /// lws reads a connection at most one receive buffer at a time and allocates that buffer
    /// per connection. 64 bytes keep an idle phone light; a chat line may take two reads. A
    /// connection that sends many lines a second (a bridge, a commerce back end) queues
    /// several in the socket whenever the thread is busy, and with 64 bytes each takes its own
    /// read and event-loop pass, with lines split across reads: a node that falls behind then
    /// pays more per line and falls further behind (docs/performance.md). Such senders ask for
    /// `chorus.ingest` and drain a backlog `transport.ingestReceiveBufferBytes` at a time.
    static func makeProtocols(
        _ config: ChorusConfig
    ) -> (UnsafeMutablePointer<lws_protocols>, [UnsafeMutablePointer<CChar>]) {
        let protocols = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 3)
        protocols.initialize(repeating: lws_protocols(), count: 3)
        let receiveBuffers = [
            (Subprotocol.standard, viewerReceiveBufferBytes),
            (Subprotocol.ingest, config.transport.ingestReceiveBufferBytes),
        ]
        var names: [UnsafeMutablePointer<CChar>] = []
        for (index, (name, receiveBytes)) in receiveBuffers.enumerated() {
            let copy = cString(name)
            names.append(copy)
            protocols[index].name = UnsafePointer(copy)
            protocols[index].callback = chorusServiceCallback
            // No per-connection allocation: the connection's ID is the wsi's user pointer.
            protocols[index].per_session_data_size = 0
            // Larger frames arrive in fragments and are reassembled up to limits.maxMessageBytes.
            protocols[index].rx_buffer_size = receiveBytes
            // Send whole batch frames in one send(); 0 would cap sends at rx_buffer_size.
            protocols[index].tx_packet_size = max(config.limits.viewerQueueBytes, 64 * 1024)
        }
        return (protocols, names)
    }

    /// A C copy of `text` for lws to keep (`LWSContext` frees it after the context).
    static func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        copy.initialize(from: bytes, count: bytes.count)
        return copy
    }
}
