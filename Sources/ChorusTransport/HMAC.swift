import CChorusCrypto
public import ChorusCore

/// OpenSSL's HMAC-SHA256 through the shim, for console tokens.
public enum HMAC {
    public static let sha256: ConsoleToken.MessageAuthenticator = { key, message in
        var output = [UInt8](repeating: 0, count: 32)
        let status = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                chorus_hmac_sha256(
                    keyBytes.baseAddress, keyBytes.count, messageBytes.baseAddress, messageBytes.count, &output)
            }
        }
        // HMAC only fails on allocation failure; an all-zero MAC then matches no token.
        return status == 0 ? output : []
    }

    /// Cryptographically random bytes (for generated secrets).
    public static func randomBytes(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        return chorus_random_bytes(&bytes, count) == 0 ? bytes : nil
    }
}
