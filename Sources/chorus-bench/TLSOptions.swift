import ArgumentParser

/// `--tls` and its settings: every connection of the run speaks wss:// through OpenSSL.
struct TLSOptions: ParsableArguments {
    @Flag(help: "Connect over TLS (wss://); implied by a wss:// --url.")
    var tls = false

    @Option(help: "Verify the server's certificate against this CA file (PEM; default: no verification).")
    var ca: String?

    @Option(help: "Offer only this TLS version, 1.2 or 1.3 (default: both).")
    var tlsVersion: String?

    @Option(help: "Key exchange groups to offer, OpenSSL's list, e.g. X25519 or P-256 (default: OpenSSL's).")
    var tlsGroups: String?

    /// The client context for a run whose URL is (or `--tls` makes it) wss://; nil for ws://.
    func context(urlIsSecure: Bool) throws(BenchError) -> TLSClientContext? {
        guard tls || urlIsSecure else {
            guard ca == nil, tlsVersion == nil, tlsGroups == nil else {
                throw .invalidOption(name: "--ca/--tls-version/--tls-groups", reason: "need --tls or a wss:// --url")
            }
            return nil
        }
        return try TLSClientContext(caFile: ca, version: try versionMinor(), groups: tlsGroups)
    }

    /// The same settings for a child process (`hold --processes`).
    var childArguments: [String] {
        (tls ? ["--tls"] : []) + (ca.map { ["--ca", $0] } ?? [])
            + (tlsVersion.map { ["--tls-version", $0] } ?? []) + (tlsGroups.map { ["--tls-groups", $0] } ?? [])
    }

    private func versionMinor() throws(BenchError) -> Int? {
        switch tlsVersion {
        case nil: return nil
        case "1.2": return 2
        case "1.3": return 3
        case let other?: throw .invalidOption(name: "--tls-version", reason: "1.2 or 1.3, got \(other)")
        }
    }
}
