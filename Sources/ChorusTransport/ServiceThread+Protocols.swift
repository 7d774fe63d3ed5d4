import CLibWebSockets
import ChorusCore
import Glibc

extension ServiceThread {
    /// Receive buffer of the default protocol: allocated per connection, so it is small. A
    /// chat frame (≈ 60–120 bytes) may take two reads and a reassembly, which a viewer sending
    /// at most a line a second never notices; 192 bytes cost 128 more on every idle viewer.
    static let viewerReceiveBufferBytes = 64

    /// The lws protocol table: `chorus.v1` (the default, for clients that name none) and
    /// `chorus.ingest`, the same protocol with a larger receive buffer, then the terminator.
    ///
    /// lws reads a connection at most one receive buffer at a time and allocates that buffer
    /// per connection. 64 bytes keep an idle phone light; a chat line may take two reads. A
    /// connection that sends many lines a second (a bridge, a commerce back end) queues
    /// several in the socket whenever the thread is busy, and with 64 bytes each takes its own
    /// read and event-loop pass, with lines split across reads: a node that falls behind then
    /// pays more per line and falls further behind (docs/performance.md). Such senders ask for
    /// `chorus.ingest` and drain a backlog `transport.ingestReceiveBufferBytes` at a time.
    static func makeProtocols(_ config: ChorusConfig) -> UnsafeMutablePointer<lws_protocols> {
        let protocols = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 3)
        protocols.initialize(repeating: lws_protocols(), count: 3)
        let receiveBuffers = [
            (Subprotocol.standard, viewerReceiveBufferBytes),
            (Subprotocol.ingest, config.transport.ingestReceiveBufferBytes),
        ]
        for (index, (name, receiveBytes)) in receiveBuffers.enumerated() {
            // Static for the life of the process: lws keeps the pointer.
            protocols[index].name = UnsafePointer(strdup(name))
            protocols[index].callback = chorusServiceCallback
            // No per-connection allocation: the connection's ID is the wsi's user pointer.
            protocols[index].per_session_data_size = 0
            // Larger frames arrive in fragments and are reassembled up to limits.maxMessageBytes.
            protocols[index].rx_buffer_size = receiveBytes
            // Send whole batch frames in one send(); 0 would cap sends at rx_buffer_size.
            protocols[index].tx_packet_size = max(config.limits.viewerQueueBytes, 64 * 1024)
        }
        return protocols
    }
}
