import ArgumentParser
import ChorusCore
import ChorusLanguage
import ChorusServer
import ChorusTransport
import Foundation
import Logging

/// `chorusd` / `chorusd run`: serve until SIGTERM or SIGINT.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the relay (the default).")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let config: ChorusConfig
        do {
            config = try ConfigLoader.load(options, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("chorusd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        // Block the signals before any thread starts so only the waiter below receives them.
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT, SIGHUP])
        let logger = Self.makeLogger(level: config.logLevel)
        let secret: [UInt8]
        do {
            try StateDirectory.ensure(config.stateDir)
            secret = try ConsoleSecret.load(configured: config.console.secret, stateDir: config.stateDir)
        } catch {
            logger.critical("cannot prepare the state directory", metadata: ["error": "\(error)"])
            throw ExitCode(73)  // EX_CANTCREAT
        }
        let tagger: any LanguageTagger
        do {
            tagger = try Self.makeTagger(config.language)
        } catch {
            logger.critical("cannot load the language tagger", metadata: ["error": "\(error)"])
            throw ExitCode(78)  // EX_CONFIG: e.g. a candidate language the model does not know
        }
        let relay = RelayServer(
            config: config, tagger: tagger, consoleSecret: secret,
            responder: HTTPRouter(metrics: MetricsExporter()), logger: logger)
        do {
            try relay.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(69)  // EX_UNAVAILABLE
        }
        let notifier = SystemdNotifier(environment: environment)
        notifier.notify("READY=1\nSTATUS=serving on \(config.listen.host):\(relay.port)")
        let watchdog = SystemdNotifier.watchdogInterval(environment: environment)
        while true {
            switch signals.wait(timeoutSeconds: watchdog ?? 3600) {
            case SIGTERM, SIGINT:
                logger.info("stopping: flushing batches and closing connections")
                notifier.notify("STOPPING=1\nSTATUS=draining")
                relay.stop(timeoutSeconds: 10)
                return
            case SIGHUP:
                // Nothing is reloadable yet; locale files will be (docs/architecture.md).
                logger.notice("SIGHUP received: nothing to reload in this version")
            default:
                if watchdog != nil { notifier.notify("WATCHDOG=1") }
            }
        }
    }

    static func makeTagger(_ language: ChorusConfig.Language) throws -> any LanguageTagger {
        switch language.engine {
        case .model: try ModelTagger(candidates: language.candidates)
        case .cld2: CLD2Tagger()
        }
    }

    static func makeLogger(level: String) -> Logger {
        var logger = Logger(label: "chorusd") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
