import ArgumentParser
import ChorusCore
import ChorusTransport
import Foundation

/// `chorusd check-config`: what `run` would refuse at start, without starting: the settings
/// (file, environment, flags) and, with TLS on, the certificate and key. Exit 0 or 78.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the configuration and the TLS files without starting; exit 0 when usable, 78 when not.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try ConfigLoader.loadOrExit(options, environment: ProcessInfo.processInfo.environment)
        var summary = "configuration OK: \(config.listen.host):\(config.listen.port)"
        if config.tls.isEnabled {
            do {
                let files = try TLSFiles.check(config.tls)
                let days = files.daysLeft(nowSeconds: Int64(Date().timeIntervalSince1970))
                summary += ", TLS \(config.tls.minimumVersion.rawValue)+ with \(config.tls.certificateFile)"
                if files.notAfterSeconds != 0 { summary += " (expires in \(days) days)" }
            } catch {
                FileHandle.standardError.write(Data("chorusd: \(error)\n".utf8))
                throw ExitCode(78)
            }
        } else {
            summary += ", plain ws:// and http://"
        }
        print(summary)
    }
}
