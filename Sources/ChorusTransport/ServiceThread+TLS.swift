import ChorusCore

extension ServiceThread {
    /// Connections accepted from now on are adopted into a new vhost that loaded the TLS files
    /// again; the old vhost, and every connection on it, stays as it was. On failure the
    /// vhost in use stays.
    func reloadTLS(generation: Int) {
        owner.assertOnOwner()
        guard let context, let reloaded = lws.makeReloadedVhost(in: context, generation: generation) else {
            relay.logger.error(
                "TLS reload failed: new connections keep the certificate in use", metadata: ["thread": "\(index)"])
            return
        }
        vhost = reloaded
    }
}
