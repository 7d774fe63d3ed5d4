import Glibc

/// The once-per-second status line on stderr.
///
/// On a terminal the line is rewritten in place; when stderr is a file or a pipe (CI logs)
/// every update is its own line so the log shows the run's progression.
struct ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    /// Off in `hold` children, whose parent prints the progress of the whole run.
    var isEnabled = true
    private var lastPrinted: UInt64 = 0
    private var hasOpenLine = false

    /// Prints `text()` if a second has passed since the last update.
    mutating func update(now: UInt64, _ text: () -> String) {
        guard isEnabled, now &- lastPrinted >= 1_000_000_000 else { return }
        lastPrinted = now
        write(text())
    }

    /// Prints `text` at once (phase changes, warnings).
    mutating func note(_ text: String) {
        endLine()
        Self.writeStandardError(text + "\n")
    }

    /// Ends the in-place line so later output starts on a fresh line.
    mutating func endLine() {
        if hasOpenLine {
            Self.writeStandardError("\n")
            hasOpenLine = false
        }
    }

    private mutating func write(_ text: String) {
        if isTerminal {
            Self.writeStandardError("\r\u{1B}[2K" + text)
            hasOpenLine = true
        } else {
            Self.writeStandardError(text + "\n")
        }
    }

    static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            guard written > 0 else { return }
            offset += written
        }
    }
}
