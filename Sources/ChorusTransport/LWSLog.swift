import CChorusLWS
import CLibWebSockets
import ChorusCore
import ChorusSync
import Logging

/// Routes libwebsockets' own log lines into swift-log, at most
/// `limits.libraryLogLinesPerSecond` a second (`LogLineLimiter`): lws logs some client errors
/// once per frame, so a client could otherwise have the daemon write thousands of lines. lws
/// hands its log hook no connection, so the limit is process-wide; lws's error and warning
/// lines name states and sizes, never message contents (those are at lws's parser and debug
/// levels, which are not routed).
enum LWSLog {
    private struct State {
        var logger: Logger?
        var limiter: LogLineLimiter
    }

    private static let state = Locked(State(logger: nil, limiter: LogLineLimiter(linesPerSecond: 20)))

    static func install(logger newLogger: Logger, verbose: Bool, linesPerSecond: Int) {
        state.withLock {
            $0.logger = newLogger
            $0.limiter = LogLineLimiter(linesPerSecond: linesPerSecond)
        }
        var levels = Int32(LLL_ERR | LLL_WARN)
        if verbose { levels |= Int32(LLL_NOTICE) }
        chorus_lws_set_log(
            levels,
            { level, line in
                guard let line else { return }
                let text = String(cString: line)
                let now = MonotonicClock.nanoseconds()
                LWSLog.state.withLock { state in
                    guard let logger = state.logger else { return }
                    guard case .write(let suppressed) = state.limiter.admit(now: now) else { return }
                    if suppressed > 0 { logger.warning("lws: \(suppressed) library log lines suppressed") }
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
