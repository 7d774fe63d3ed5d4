import CChorusTLS
import ChorusCore

/// The TLS profile every listener serves (docs/security.md): Mozilla's "intermediate"
/// configuration — forward-secret AEAD suites only, the server's order, HTTP/1.1 by ALPN.
enum TLSPolicy {
    /// TLS 1.2 suites: ECDHE with AES-GCM or ChaCha20-Poly1305, ECDSA or RSA certificates.
    static let tls12Ciphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    /// TLS 1.3 suites (OpenSSL's own set, named so the policy is written down).
    static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    /// WebSocket upgrades ride HTTP/1.1; lws' HTTP/2 is not offered.
    static let alpn = "http/1.1"

    /// OpenSSL options refusing versions older than `minimum`, compression and renegotiation.
    static func options(minimum: ChorusConfig.TLS.Version) -> UInt64 {
        chorus_tls_server_options(minimum == .tls13 ? 3 : 2)
    }
}
