import CChorusTLS

/// One connection's OpenSSL session on a non-blocking socket it does not own.
///
/// Each step returns what OpenSSL needs next; the connection turns `wantRead`/`wantWrite` into
/// epoll interest and calls the step again when the socket is ready. Reads and writes work on
/// the caller's buffers: no allocation per message.
final class TLSClientSession {
    enum Status: Equatable {
        /// Finished: the handshake completed, or `count` bytes were read or written.
        case done(count: Int)
        case wantRead
        case wantWrite
        /// The server closed the connection (close_notify or EOF).
        case closed
        /// Anything else; `TLSClientSession.lastErrorText()` says what, right after the call.
        case failed
    }

    private let session: OpaquePointer

    init(_ session: OpaquePointer) {
        self.session = session
    }

    deinit { chorus_tls_client_session_free(session) }

    func handshake() -> Status {
        Self.status(chorus_tls_client_handshake(session), count: 0)
    }

    /// Decrypts into `buffer`; `.done(count)` with at least one byte, or what to wait for.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Status {
        var count = 0
        let status = chorus_tls_client_read(session, buffer.baseAddress, buffer.count, &count)
        return Self.status(status, count: count)
    }

    /// Encrypts and sends from `buffer`; after `wantRead`/`wantWrite`, call again with the same
    /// bytes first (more may follow them).
    func write(_ buffer: UnsafeRawBufferPointer) -> Status {
        var count = 0
        let status = chorus_tls_client_write(session, buffer.baseAddress, buffer.count, &count)
        return Self.status(status, count: count)
    }

    /// Whether OpenSSL holds bytes a read returns without the socket becoming readable again.
    var hasPending: Bool { chorus_tls_client_has_pending(session) != 0 }

    /// Sends close_notify (best effort, no wait for the server's).
    func shutdown() { chorus_tls_client_shutdown(session) }

    /// What was negotiated; meaningful once the handshake is done.
    var info: TLSSessionInfo {
        var key = [CChar](repeating: 0, count: 64)
        key.withUnsafeMutableBufferPointer { chorus_tls_client_peer_key(session, $0.baseAddress, $0.count) }
        return TLSSessionInfo(
            version: String(cString: chorus_tls_client_version(session)),
            cipher: String(cString: chorus_tls_client_cipher(session)),
            group: String(cString: chorus_tls_client_group(session)),
            serverKey: Self.string(key))
    }

    /// OpenSSL's (or errno's) words for the last `.failed` on this thread.
    static func lastErrorText() -> String {
        var reason = [CChar](repeating: 0, count: 256)
        reason.withUnsafeMutableBufferPointer { chorus_tls_client_error_text($0.baseAddress, $0.count) }
        return string(reason)
    }

    static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func status(_ status: chorus_tls_client_status, count: Int) -> Status {
        switch status {
        case CHORUS_TLS_CLIENT_DONE: .done(count: count)
        case CHORUS_TLS_CLIENT_WANT_READ: .wantRead
        case CHORUS_TLS_CLIENT_WANT_WRITE: .wantWrite
        case CHORUS_TLS_CLIENT_CLOSED: .closed
        default: .failed
        }
    }
}

/// The negotiated parameters of a TLS session, printed once per run.
struct TLSSessionInfo: Codable, Equatable, CustomStringConvertible {
    /// `TLSv1.3` or `TLSv1.2`.
    var version: String
    /// E.g. `TLS_AES_256_GCM_SHA384`.
    var cipher: String
    /// Key exchange group, e.g. `X25519`; empty if OpenSSL does not name it.
    var group: String
    /// The server certificate's key, e.g. `EC prime256v1` or `RSA 2048`.
    var serverKey: String

    var description: String {
        "\(version) \(cipher), key exchange \(group.isEmpty ? "?" : group), server key \(serverKey)"
    }
}
