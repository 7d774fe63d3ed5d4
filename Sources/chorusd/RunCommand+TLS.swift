import ChorusTransport
import Foundation
import Logging

extension RunCommand {
    /// The daemon serves an expired or expiring certificate as configured (clients judge it);
    /// it says so while there is time to renew.
    static let expiryWarningDays: Int64 = 14

    static func warnIfExpiring(_ files: TLSFiles, certificate: String, logger: Logger) {
        guard files.notAfterSeconds != 0 else { return }
        let days = files.daysLeft(nowSeconds: Int64(Date().timeIntervalSince1970))
        guard days < expiryWarningDays else { return }
        logger.warning(
            days < 0 ? "the TLS certificate has expired" : "the TLS certificate expires soon",
            metadata: ["file": "\(certificate)", "daysLeft": "\(days)"])
    }

    /// SIGHUP: new connections get the certificate and key now in the files; open ones keep
    /// theirs. Files that cannot be served are refused and the ones in use stay.
    static func reloadTLS(_ relay: RelayServer, certificate: String, logger: Logger) {
        do {
            guard let files = try relay.reloadTLS() else { return }
            logger.notice("TLS certificate reloaded for new connections", metadata: ["file": "\(certificate)"])
            warnIfExpiring(files, certificate: certificate, logger: logger)
        } catch {
            logger.error("TLS reload refused: keeping the certificate in use", metadata: ["error": "\(error)"])
        }
    }
}
