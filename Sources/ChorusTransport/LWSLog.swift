import CChorusLWS
import CLibWebSockets
import Logging

/// Routes libwebsockets' own log lines into swift-log.
enum LWSLog {
    private static let logger = Locked<Logger?>(nil)

    static func install(logger newLogger: Logger, verbose: Bool) {
        logger.withLock { $0 = newLogger }
        var levels = Int32(LLL_ERR | LLL_WARN)
        if verbose { levels |= Int32(LLL_NOTICE) }
        chorus_lws_set_log(
            levels,
            { level, line in
                guard let line else { return }
                let text = String(cString: line)
                LWSLog.logger.withLock { logger in
                    guard let logger else { return }
                    if level & Int32(LLL_ERR) != 0 {
                        logger.error("lws: \(text)")
                    } else if level & Int32(LLL_WARN) != 0 {
                        logger.warning("lws: \(text)")
                    } else {
                        logger.debug("lws: \(text)")
                    }
                }
            })
    }
}
