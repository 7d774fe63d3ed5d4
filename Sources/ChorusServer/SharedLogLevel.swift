public import Logging
import Synchronization

/// The least severe level logged, one value for every copy of a logger: swift-log's `Logger`
/// is a value and each holder (the relay, the committer, the locale loader) has its own copy,
/// so a level set on one copy by a reload (SIGHUP) reaches the others only through this.
public final class SharedLogLevel: Sendable {
    private let rawLevel: Atomic<Int>

    public init(_ level: Logger.Level) {
        rawLevel = Atomic(Self.index(of: level))
    }

    /// Any thread; read on every log call, so one relaxed load.
    public var level: Logger.Level {
        get { Logger.Level.allCases[rawLevel.load(ordering: .relaxed)] }
        set { rawLevel.store(Self.index(of: newValue), ordering: .relaxed) }
    }

    private static func index(of level: Logger.Level) -> Int {
        Logger.Level.allCases.firstIndex(of: level) ?? 0
    }
}
