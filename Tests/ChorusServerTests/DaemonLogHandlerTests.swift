import Glibc
import Logging
import Synchronization
import Testing

@testable import ChorusServer

@Suite struct DaemonLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(timestamps: Bool, into lines: Lines) -> Logger {
        var logger = Logger(label: "chorusd") { label in
            DaemonLogHandler(label: label, timestamps: timestamps) { lines.append($0) }
        }
        logger[metadataKey: "node"] = "a"
        return logger
    }

    @Test func journalLinesCarryNoTimestamp() throws {
        let lines = Lines()
        logger(timestamps: false, into: lines).info("listening", metadata: ["threads": "2"])
        #expect(lines.all == ["info chorusd: node=a threads=2 [ChorusServerTests] listening\n"])
    }

    @Test func terminalLinesStartWithTheirTimestamp() throws {
        let lines = Lines()
        logger(timestamps: true, into: lines).warning("slow")
        let line = try #require(lines.all.first)
        let stamp = try #require(line.split(separator: " ").first)
        #expect(stamp.count == "2026-12-07T18:48:22+0000".count && stamp.dropFirst(10).first == "T")
        #expect(line.hasSuffix(" warning chorusd: node=a [ChorusServerTests] slow\n"))
    }

    /// A reload sets the level on the executable's copy of the logger; the relay's and the
    /// committer's copies follow.
    @Test func everyCopyOfALoggerSharesItsLevel() {
        let lines = Lines()
        var main = logger(timestamps: false, into: lines)
        let relayCopy = main
        main.logLevel = .warning
        relayCopy.info("hidden")
        #expect(relayCopy.logLevel == .warning && lines.all.isEmpty)
        main.logLevel = .debug
        relayCopy.debug("shown")
        #expect(lines.all.count == 1)
    }

    @Test func theJournalIsOnlyTheStreamSystemdNamed() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { descriptors.forEach { close($0) } }
        let identity = try #require(DaemonLogHandler.fileIdentity(descriptors[1]))
        #expect(DaemonLogHandler.writesToJournal(environment: ["JOURNAL_STREAM": identity], standardError: identity))
        // Inherited by a child whose standard error goes elsewhere (a terminal, a file).
        #expect(!DaemonLogHandler.writesToJournal(environment: ["JOURNAL_STREAM": "8:12345"], standardError: identity))
        #expect(!DaemonLogHandler.writesToJournal(environment: [:], standardError: identity))
        #expect(!DaemonLogHandler.writesToJournal(environment: ["JOURNAL_STREAM": identity], standardError: nil))
    }
}
