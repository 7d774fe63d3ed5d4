import ArgumentParser
import ChorusCore

@main
struct Chorusd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorusd",
        abstract: "Chorus: a chat relay for live-commerce shows.",
        version: ChorusVersion.string,
        subcommands: [RunCommand.self, TokenCommand.self, SettingsCommand.self, CheckConfigCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// Flags every subcommand shares: where the configuration comes from.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "JSON configuration file (see README, configuration table, or `chorusd settings`).")
    var config: String?

    @Option(name: .long, help: "Address to listen on, HOST:PORT (default 127.0.0.1:8080).")
    var listen: String?

    @Option(name: .customLong("state-dir"), help: "Directory for the daemon's state (default ./chorus-state).")
    var stateDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("set"), help: "Override any setting: --set batch.maxDelayMs=20 (repeatable).")
    var overrides: [String] = []
}
