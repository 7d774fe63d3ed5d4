import Glibc
public import Logging

/// Log lines on standard error in swift-log's `StreamLogHandler` format, except that under
/// journald they carry no timestamp: journald stamps every line itself, and a second stamp
/// only widened `journalctl` output (on a terminal or in a file the stamp stays).
public struct DaemonLogHandler: LogHandler {
    /// Shared with every copy of the logger, so that setting it on one (a reload) sets all.
    public var logLevel: Logger.Level {
        get { sharedLevel.level }
        nonmutating set { sharedLevel.level = newValue }
    }
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let timestamps: Bool
    private let write: @Sendable (String) -> Void
    private let sharedLevel = SharedLogLevel(.info)

    /// `write` receives whole lines, newline included.
    public init(label: String, timestamps: Bool, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.timestamps = timestamps
        self.write = write
    }

    /// Standard error, stamped unless it is the journal's stream.
    public static func standardError(label: String, environment: [String: String]) -> Self {
        Self(
            label: label,
            timestamps: !writesToJournal(environment: environment, standardError: fileIdentity(STDERR_FILENO)),
            write: writeStandardError)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pretty = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let stamp = timestamps ? Self.timestamp() + " " : ""
        write("\(stamp)\(event.level) \(label):\(pretty) [\(event.source)] \(event.message)\n")
    }

    /// systemd sets `JOURNAL_STREAM` to the `device:inode` of the stream it connects to the
    /// journal; a child whose standard error was redirected inherits the variable, so it only
    /// counts when it names our standard error (systemd.exec(5)).
    static func writesToJournal(environment: [String: String], standardError: String?) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"], !stream.isEmpty else { return false }
        return stream == standardError
    }

    /// `device:inode` of an open descriptor, as `JOURNAL_STREAM` writes it.
    static func fileIdentity(_ descriptor: Int32) -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return "\(status.st_dev):\(status.st_ino)"
    }

    /// Local time with its offset, as `StreamLogHandler` writes it.
    static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One `write(2)` per line where it fits, so lines from several threads do not interleave.
    private static let writeStandardError: @Sendable (String) -> Void = { line in
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // standard error is gone; nowhere left to report it
            }
        }
    }
}
