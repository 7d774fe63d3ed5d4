import ArgumentParser
import ChorusCore
import ChorusServer
import ChorusTransport
import Foundation

/// `chorusd token`: prints a console token signed with the daemon's secret.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Print a console token for the given rooms.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("room"), help: "A room the console may watch (repeatable); omit for every room.")
    var rooms: [String] = []

    @Option(help: "Seconds until the token expires.")
    var ttl: Int = 12 * 3600

    func run() throws {
        let config = try ConfigLoader.loadOrExit(options, environment: ProcessInfo.processInfo.environment)
        guard rooms.allSatisfy({ RoomName.isValid($0) }) else {
            throw ValidationError("room names are 1-64 characters of A-Z a-z 0-9 _ -")
        }
        guard ttl > 0 else { throw ValidationError("--ttl must be positive") }
        let secret = try ConsoleSecret.load(configured: config.console.secret, stateDir: config.stateDir)
        let token = ConsoleToken(
            rooms: rooms.isEmpty ? nil : Set(rooms), expiresAt: Int64(Date().timeIntervalSince1970) + Int64(ttl))
        print(token.signed(secret: secret, authenticator: HMAC.sha256))
    }
}
