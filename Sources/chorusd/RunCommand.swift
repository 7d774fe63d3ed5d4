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
        let config = try ConfigLoader.loadOrExit(options, environment: environment)
        // Block the signals before any thread starts so only the waiter below receives them.
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT, SIGHUP] + Self.testSignals)
        var logger = Self.makeLogger(level: config.logLevel, environment: environment)
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
        if config.tls.isEnabled {
            do {
                let files = try TLSFiles.check(config.tls)
                Self.warnIfExpiring(files, certificate: config.tls.certificateFile, logger: logger)
            } catch {
                logger.critical("cannot serve TLS", metadata: ["error": "\(error)"])
                FileHandle.standardError.write(Data("chorusd: \(error)\n".utf8))
                throw ExitCode(78)  // EX_CONFIG: a missing, unreadable or mismatched certificate or key
            }
        }
        let metrics = MetricsExporter()
        let relay = RelayServer(
            config: config, tagger: tagger, consoleSecret: secret,
            responder: HTTPRouter(metrics: metrics), logger: logger)
        let locales = NoticeCatalogLoader(
            configured: config.locales.directory, executable: CommandLine.arguments[0], logger: logger)
        if !locales.load(into: relay, reason: "start"), !config.locales.directory.isEmpty {
            throw ExitCode(78)  // EX_CONFIG: the configured locale files are unusable
        }
        var cluster: ClusterConnector?
        if config.cluster.isEnabled {
            do {
                cluster = try ClusterConnector(config: config, relay: relay, metrics: metrics, logger: logger)
            } catch {
                logger.critical("cannot reach Redis", metadata: ["error": "\(error)"])
                throw ExitCode(69)  // EX_UNAVAILABLE: systemd tries again
            }
        }
        var committer: CounterCommitter?
        if config.storage.engine == .sqlite, cluster == nil {
            do {
                let recovery = try CountsRecovery.open(config: config, into: relay, logger: logger)
                committer = CounterCommitter(
                    relay: relay, store: recovery.store, intervalMs: config.storage.commitIntervalMs,
                    quietIntervalMs: config.storage.quietCommitIntervalMs, logger: logger)
                metrics.attach(committer!)
            } catch {
                logger.critical("cannot open the counts database", metadata: ["error": "\(error)"])
                throw ExitCode(73)  // EX_CANTCREAT
            }
        }
        // The link's threads first: service threads call into it from their first connection.
        cluster?.start()
        do {
            try relay.start(inheriting: SocketActivation.descriptors(environment: environment))
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(69)  // EX_UNAVAILABLE
        }
        committer?.start()
        var reloadable = Reloadable(config: config, consoleSecret: secret, locales: locales)
        let notifier = SystemdNotifier(environment: environment)
        notifier.notify("READY=1\nSTATUS=serving on \(config.listen.host):\(relay.port)")
        let watchdog = SystemdNotifier.watchdogInterval(environment: environment)
        while true {
            switch signals.wait(timeoutSeconds: watchdog ?? 3600) {
            case SIGTERM, SIGINT:
                logger.info("stopping: flushing batches and closing connections")
                notifier.notify("STOPPING=1\nSTATUS=draining")
                // The committer's loop stops first; the final commit runs once every batch is
                // flushed and before connections close, so its acks still reach the viewers.
                committer?.stop()
                relay.stop(timeoutSeconds: 10) {
                    committer?.commitNow()
                    cluster?.finishPublishing()
                }
                committer?.commitNow()
                cluster?.stop()
                return
            case SIGHUP:
                // Settings, console secret, locale files and the TLS certificate: connections,
                // rooms and counts are untouched.
                notifier.notify("RELOADING=1")
                reload(&reloadable, relay: relay, environment: environment, logger: &logger)
                notifier.notify("READY=1")
            #if DEBUG
                case SIGUSR2:
                    relay.stallServiceLoopForTest(seconds: 3)
            #endif
            default:
                if let watchdog { Self.feedWatchdog(notifier, relay: relay, interval: watchdog, logger: logger) }
            }
        }
    }

    static func makeTagger(_ language: ChorusConfig.Language) throws -> any LanguageTagger {
        switch language.engine {
        case .model: try ModelTagger(candidates: language.candidates)
        case .cld2: CLD2Tagger()
        }
    }

    static func makeLogger(level: String, environment: [String: String]) -> Logger {
        var logger = Logger(label: "chorusd") { label in
            DaemonLogHandler.standardError(label: label, environment: environment)
        }
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}
