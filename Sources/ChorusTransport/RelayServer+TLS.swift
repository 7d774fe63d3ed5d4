import ChorusCore
import Synchronization

extension RelayServer {
    /// Any thread: checks the configured certificate and key again and, if they can be
    /// served, has every service thread load them for the connections it accepts from now on
    /// (connections already open keep theirs). Throws, changing nothing, if they cannot.
    public func reloadTLS() throws(TLSFileError) -> TLSFiles? {
        // The files named at start: a reload refuses other paths (`tls.*` need a restart).
        guard startConfig.tls.isEnabled else { return nil }
        let files = try TLSFiles.check(startConfig.tls)
        let generation = tlsGeneration.add(1, ordering: .relaxed).newValue
        for mailbox in mailboxes { mailbox.post(.reloadTLS(generation: generation)) }
        return files
    }
}
