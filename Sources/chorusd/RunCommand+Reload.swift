import ChorusCore
import ChorusServer
import ChorusTransport
import Logging

extension RunCommand {
    /// What SIGHUP may replace, kept by the signal loop from one reload to the next.
    struct Reloadable {
        /// As loaded, before the relay resolved `transport.serviceThreads` = 0: what the next
        /// reload's configuration is compared with.
        var config: ChorusConfig
        var consoleSecret: [UInt8]
        var locales: NoticeCatalogLoader
    }

    /// SIGHUP: the configuration is read again from the sources it was read from at start
    /// (file, environment, flags) and judged by `ConfigReload`. When it is invalid, or its
    /// console secret cannot be read, nothing changes at all, locale files and certificate
    /// included: a reload that fails keeps everything as it was. Otherwise the run-time
    /// settings and the secret take effect, restart-only settings keep their value (each said
    /// once), and the locale files and the TLS certificate are loaded again.
    func reload(
        _ state: inout Reloadable, relay: RelayServer, environment: [String: String], logger: inout Logger
    ) {
        let reload: ConfigReload
        let secret: [UInt8]
        do {
            let loaded = try ConfigLoader.load(options, environment: environment)
            reload = try ConfigReload(from: state.config, to: loaded)
            secret = try ConsoleSecret.load(
                configured: reload.applied.console.secret, stateDir: reload.applied.stateDir)
        } catch {
            logger.error("reload refused, nothing changed: \(error)")
            return
        }
        for refusal in reload.refusals { logger.warning("\(refusal)") }
        // A secret read again from `<stateDir>/console.secret` changes without any setting doing so.
        let secretFileChanged =
            secret != state.consoleSecret && !reload.changed.contains { $0.key == "console.secret" }
        let alsoChanged = secretFileChanged ? ["console secret (\(reload.applied.stateDir)/console.secret)"] : []
        logger.logLevel = Logger.Level(rawValue: reload.applied.logLevel) ?? .info
        let behind = relay.reload(reload.applied, consoleSecret: secret)
        if !behind.isEmpty {
            logger.warning(
                "reload: service threads still busy adopt the settings when they run again",
                metadata: ["threads": "\(behind)"])
        }
        logger.notice("\(reload.summary(alsoChanged: alsoChanged))")
        if reload.applied.locales.directory != state.config.locales.directory {
            state.locales = NoticeCatalogLoader(
                configured: reload.applied.locales.directory, executable: CommandLine.arguments[0], logger: logger)
        }
        state.config = reload.applied
        state.consoleSecret = secret
        state.locales.load(into: relay, reason: "SIGHUP")
        Self.reloadTLS(relay, certificate: relay.startConfig.tls.certificateFile, logger: logger)
    }
}
