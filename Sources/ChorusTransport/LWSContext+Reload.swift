import CLibWebSockets
import ChorusCore

extension LWSContext {
    /// The TLS fields every vhost is created with: the files (read by lws when the vhost is
    /// created, so a new vhost picks up replaced files), ciphers, ALPN, version floor.
    func setTLS(_ info: inout lws_context_creation_info) {
        info.ssl_cert_filepath = UnsafePointer(tlsStrings[0])
        info.ssl_private_key_filepath = UnsafePointer(tlsStrings[1])
        info.ssl_cipher_list = UnsafePointer(tlsStrings[2])
        info.tls1_3_plus_cipher_list = UnsafePointer(tlsStrings[3])
        info.alpn = UnsafePointer(tlsStrings[4])
        info.ssl_options_set = Int(bitPattern: UInt(TLSPolicy.options(minimum: config.tls.minimumVersion)))
    }

    /// A new vhost in `context` loading the certificate and key again from their files, for
    /// connections accepted from now on; those on older vhosts keep theirs. Service thread only.
    func makeReloadedVhost(in context: OpaquePointer, generation: Int) -> OpaquePointer? {
        guard tlsStrings.count == 5 else { return nil }
        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN_SERVER
        info.protocols = UnsafePointer(protocols)
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        info.timeout_secs = 10
        // A connection holds a header table from its first byte until its request is complete:
        // this closes it if the request is not complete in time (slowloris, partial requests).
        info.timeout_secs_ah_idle = UInt32(config.limits.handshakeTimeoutSeconds)
        let name = Self.cString("chorus-\(generation)")
        reloadNames.append(name)
        info.vhost_name = UnsafePointer(name)
        // Without the TLS bit lws makes a plain-text vhost (lws_context_init_server_ssl).
        info.options = UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
        setTLS(&info)
        return lws_create_vhost(context, &info)
    }
}
