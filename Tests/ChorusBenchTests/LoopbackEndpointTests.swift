import Testing

@testable import chorus_bench

/// `--url` and `--tls`: which runs speak wss://, and what goes out as SNI and Host.
@Suite struct LoopbackEndpointTests {
    @Test func wssURLIsSecureAndKeepsTheHostHeader() throws {
        let endpoint = try LoopbackEndpoint(url: "wss://127.0.0.1:9443/")
        #expect(endpoint.urlIsSecure)
        #expect(endpoint.port == 9443)
        #expect(endpoint.hostHeader == "127.0.0.1:9443")
        // An address is never sent as SNI (RFC 6066); a name is.
        #expect(endpoint.serverName == nil)
        #expect(try LoopbackEndpoint(url: "wss://localhost:9443").serverName == "localhost")
    }

    @Test func wsURLIsPlainUntilAContextIsGiven() throws {
        var endpoint = try LoopbackEndpoint(url: "ws://127.0.0.1:9000")
        #expect(!endpoint.urlIsSecure)
        #expect(endpoint.description == "ws://127.0.0.1:9000")
        endpoint.tls = try TLSClientContext(caFile: nil, version: nil, groups: nil)
        #expect(endpoint.description == "wss://127.0.0.1:9000")
    }

    @Test func otherSchemesAndRemoteHostsAreRefused() {
        #expect(throws: BenchError.self) { try LoopbackEndpoint(url: "https://127.0.0.1:9443") }
        #expect(throws: BenchError.self) { try LoopbackEndpoint(url: "wss://10.0.0.1:9443") }
    }

    @Test func tlsSettingsWithoutTLSAreRefused() throws {
        var options = try TLSOptions.parse(["--ca", "/nonexistent.pem"])
        #expect(throws: BenchError.self) { try options.context(urlIsSecure: false) }
        options = try TLSOptions.parse(["--tls", "--tls-version", "1.3", "--tls-groups", "X25519"])
        #expect(try options.context(urlIsSecure: false) != nil)
        #expect(options.childArguments == ["--tls", "--tls-version", "1.3", "--tls-groups", "X25519"])
        options = try TLSOptions.parse(["--tls-version", "1.1"])
        #expect(throws: BenchError.self) { try options.context(urlIsSecure: true) }
        options = try TLSOptions.parse(["--tls-groups", "no-such-group"])
        #expect(throws: BenchError.self) { try options.context(urlIsSecure: true) }
    }
}
