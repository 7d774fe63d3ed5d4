import CChorusTLS

/// The one OpenSSL client context of a bench process: which TLS versions and key exchange
/// groups it offers and whether it checks the server's certificate.
///
/// Every connection of a `--tls` run takes a session from it. OpenSSL's context is safe to
/// create sessions from on any thread, hence `@unchecked Sendable`; the sessions are not.
final class TLSClientContext: @unchecked Sendable {
    private let context: OpaquePointer

    /// `caFile`: the server's certificate must chain to it (nil: nothing is verified, fine for
    /// loopback benches). `version`: only TLS 1.`version` (nil: 1.2 and 1.3). `groups`:
    /// OpenSSL's list, e.g. `X25519` or `P-256` (nil: OpenSSL's default order).
    init(caFile: String?, version: Int?, groups: String?) throws(BenchError) {
        var reason = [CChar](repeating: 0, count: 256)
        let made = reason.withUnsafeMutableBufferPointer { buffer in
            chorus_tls_client_context_new(
                caFile, Int32(version ?? 2), Int32(version ?? 0), groups, 1, buffer.baseAddress, buffer.count)
        }
        guard let made else {
            throw .tlsFailed(reason: "client context: " + TLSClientSession.string(reason))
        }
        context = made
    }

    deinit { chorus_tls_client_context_free(context) }

    /// A session on the connecting socket `fd`, sending `serverName` as SNI if given.
    func makeSession(fd: Int32, serverName: String?) -> TLSClientSession? {
        guard let session = chorus_tls_client_session_new(context, fd, serverName) else { return nil }
        return TLSClientSession(session)
    }
}
