import Testing

@testable import ChorusCore

/// The checks before any upgrade or route (RFC 6455 4.2.1/4.4, RFC 9112 6.1, Chorus's
/// endpoints): which status each bad request head gets.
@Suite struct HTTPRequestHeadTests {
    static let good = HTTPRequestHead.webSocketUpgrade(path: ViewerRequest.path, queryFragments: ["room=lobby"])

    func upgradeStatus(_ change: (inout HTTPRequestHead) -> Void) -> HTTPRefusal? {
        var head = Self.good
        change(&head)
        do {
            try head.checkUpgrade()
            return nil
        } catch {
            return error
        }
    }

    func plainStatus(_ head: HTTPRequestHead) -> HTTPRefusal? {
        do {
            try head.checkPlain()
            return nil
        } catch {
            return error
        }
    }

    @Test func aWellFormedUpgradePasses() {
        #expect(upgradeStatus { _ in } == nil)
        #expect(upgradeStatus { $0.path = ConsoleRequest.path } == nil)
        #expect(upgradeStatus { $0.connection = "keep-alive, Upgrade" } == nil)
        #expect(upgradeStatus { $0.upgrade = "WebSocket" } == nil)
    }

    @Test func onlyGetUpgrades() {
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD", "CONNECT", "OTHER"] {
            let refusal = upgradeStatus { $0.method = method }
            #expect(refusal?.status == 405)
            #expect(refusal?.headers.first?.name == "Allow")
            #expect(refusal?.headers.first?.value == "GET")
        }
    }

    @Test func unknownPathsAreNotFound() {
        #expect(upgradeStatus { $0.path = "/v1/nope" }?.status == 404)
        #expect(upgradeStatus { $0.path = "/v1/viewer/extra" }?.status == 404)
        #expect(upgradeStatus { $0.path = "/" }?.status == 404)
    }

    @Test func onlyHTTP11Upgrades() {
        #expect(upgradeStatus { $0.version = "HTTP/1.0" }?.status == 400)
        #expect(upgradeStatus { $0.version = "" }?.status == 400)
    }

    @Test func upgradeAndConnectionHeaders() {
        #expect(upgradeStatus { $0.upgrade = "h2c" }?.status == 400)
        #expect(upgradeStatus { $0.upgrade = "websocket2" }?.status == 400)
        #expect(upgradeStatus { $0.connection = nil }?.status == 400)
        #expect(upgradeStatus { $0.connection = "keep-alive" }?.status == 400)
        #expect(upgradeStatus { $0.connection = "upgraded" }?.status == 400)
    }

    @Test func versionOtherThan13IsUpgradeRequired() {
        for version in [nil, "12", "8", "14", "", "13 "] as [String?] {
            let refusal = upgradeStatus { $0.webSocketVersion = version }
            #expect(refusal?.status == 426)
            #expect(refusal?.headers.first?.name == "Sec-WebSocket-Version")
            #expect(refusal?.headers.first?.value == "13")
        }
    }

    @Test func keyMustBeSixteenBytesOfBase64() {
        for key in [
            nil, "", "short", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25j*Q==",
            "dGhlIHNhbXBsZSBub25jZSE=", "dGhlIHNhbXBsZSBub25jZQ==AAAA",
        ] as [String?] {
            #expect(upgradeStatus { $0.webSocketKey = key }?.status == 400, "\(key ?? "nil")")
        }
    }

    @Test func nulInAnArgumentIsRefused() {
        #expect(upgradeStatus { $0.queryFragments = ["room=lob\u{0}by"] }?.status == 400)
        #expect(
            plainStatus(HTTPRequestHead(method: "GET", path: "/healthz", queryFragments: ["a=\u{0}"]))?.status == 400)
    }

    @Test func overlongArgumentsAre431() {
        #expect(upgradeStatus { $0.queryFragments = ["token=" + String(repeating: "t", count: 10240)] }?.status == 431)
        #expect(upgradeStatus { $0.queryFragments = ["token=" + String(repeating: "t", count: 4000)] } == nil)
    }

    @Test func bothLengthsAreRefused() {
        #expect(
            upgradeStatus {
                $0.contentLength = "5"; $0.transferEncoding = "chunked"
            }?.status == 400)
        let smuggle = HTTPRequestHead(method: "GET", path: "/healthz", contentLength: "5", transferEncoding: "chunked")
        #expect(plainStatus(smuggle)?.status == 400)
        #expect(
            plainStatus(HTTPRequestHead(method: "GET", path: "/healthz", transferEncoding: "chunked"))?.status == 400)
    }

    @Test func plainRequestsAreReadOnly() {
        #expect(plainStatus(HTTPRequestHead(method: "GET", path: "/healthz")) == nil)
        #expect(plainStatus(HTTPRequestHead(method: "GET", path: "/v1/nope")) == nil, "the router answers 404")
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"] {
            #expect(plainStatus(HTTPRequestHead(method: method, path: "/metrics"))?.status == 405)
        }
        #expect(plainStatus(HTTPRequestHead(method: "GET", path: ViewerRequest.path))?.status == 400)
    }

    @Test func refusalBytesCloseTheConnection() {
        let text = String(decoding: HTTPRefusal.upgradeRequired.bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\nSec-WebSocket-Version must be 13\n"))
    }

    @Test func sinceMustBeDigits() {
        #expect(ResumeRequest.parse("", rooms: ["a"]) == nil)
        #expect(ResumeRequest.parse("+5", rooms: ["a"]) == nil)
        #expect(ResumeRequest.parse("-5", rooms: ["a"]) == nil)
        #expect(ResumeRequest.parse("a:+5", rooms: ["a"]) == nil)
        #expect(ResumeRequest.parse("5", rooms: ["a"]) == ["a": 5])
        #expect(ResumeRequest.parse(nil, rooms: ["a"]) == [:])
    }
}
