/// The WebSocket subprotocols the daemon speaks (`Sec-WebSocket-Protocol`, docs/protocol.md).
public enum Subprotocol {
    /// The protocol itself, and what a client that names none gets.
    public static let standard = "chorus.v1"
    /// The same protocol for heavy senders, read a larger buffer at a time.
    public static let ingest = "chorus.ingest"
}
