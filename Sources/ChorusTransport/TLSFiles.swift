import CChorusTLS
public import ChorusCore

/// The certificate and key a daemon serving TLS loads, checked before lws sees them: lws only
/// reports that its context failed, and a bad file must stop the start with its name.
public struct TLSFiles: Sendable {
    /// When the leaf certificate expires (Unix seconds; 0 when it could not be read).
    public let notAfterSeconds: Int64

    /// Loads both files as the server will and checks that the key is the certificate's.
    public static func check(_ tls: ChorusConfig.TLS) throws(TLSFileError) -> TLSFiles {
        var reason = [CChar](repeating: 0, count: 256)
        var notAfter: Int64 = 0
        let problem = chorus_tls_check(tls.certificateFile, tls.privateKeyFile, &reason, reason.count, &notAfter)
        let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch problem {
        case CHORUS_TLS_OK:
            return TLSFiles(notAfterSeconds: notAfter)
        case CHORUS_TLS_BAD_CERTIFICATE_FILE:
            throw TLSFileError(key: "tls.certificateFile", path: tls.certificateFile, reason: text)
        case CHORUS_TLS_BAD_PRIVATE_KEY_FILE:
            throw TLSFileError(key: "tls.privateKeyFile", path: tls.privateKeyFile, reason: text)
        case CHORUS_TLS_KEY_MISMATCH:
            throw TLSFileError(
                key: "tls.privateKeyFile", path: tls.privateKeyFile,
                reason: "not the private key of the certificate in \(tls.certificateFile)")
        default:
            throw TLSFileError(key: "tls", path: tls.certificateFile, reason: "OpenSSL failed: \(text)")
        }
    }

    /// Days until the certificate expires (negative once it has), from `nowSeconds`.
    public func daysLeft(nowSeconds: Int64) -> Int64 {
        (notAfterSeconds - nowSeconds) / 86_400
    }
}

/// A TLS file that cannot be served, naming the setting and the file.
public struct TLSFileError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let path: String
    public let reason: String

    public var description: String { "\(key) \(path): \(reason)" }
}
