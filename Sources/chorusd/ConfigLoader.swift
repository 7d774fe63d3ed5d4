import ArgumentParser
import ChorusCore
import Foundation

/// Builds the configuration: defaults, then the config file, then `CHORUS_*` environment
/// variables, then flags; the last word wins. Only this executable reads these sources.
enum ConfigLoader {
    /// `load`, or the reason on standard error and exit code 78 (`EX_CONFIG`): what every
    /// subcommand does with a configuration it cannot use.
    static func loadOrExit(_ options: ConfigOptions, environment: [String: String]) throws -> ChorusConfig {
        do {
            return try load(options, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("chorusd: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    static func load(_ options: ConfigOptions, environment: [String: String]) throws(ConfigError) -> ChorusConfig {
        var config = ChorusConfig()
        if let path = options.config {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(key: "--config", reason: "cannot read \(path)")
            }
            let document: JSONValue
            do {
                document = try JSONParser.parse(Array(data))
            } catch {
                throw ConfigError(
                    key: "--config", reason: "\(path) is not valid JSON: \(error.reason) at byte \(error.offset)")
            }
            try config.apply(document)
        }
        try config.apply(environment: environment)
        if let listen = environment["CHORUS_LISTEN"] { try applyListen(listen, to: &config) }
        if let listen = options.listen { try applyListen(listen, to: &config) }
        if let stateDir = options.stateDir { config.stateDir = stateDir }
        if let logLevel = options.logLevel { config.logLevel = logLevel }
        for override in options.overrides {
            guard let equals = override.firstIndex(of: "=") else {
                throw ConfigError(key: override, reason: "must be written key=value")
            }
            try config.set(String(override[..<equals]), text: String(override[override.index(after: equals)...]))
        }
        try config.validate()
        return config
    }

    /// `HOST:PORT`, `[v6]:PORT` or `:PORT`.
    static func applyListen(_ text: String, to config: inout ChorusConfig) throws(ConfigError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ConfigError(key: "listen", reason: "'\(text)' is not HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if !host.isEmpty { config.listen.host = host }
        config.listen.port = port
    }
}
