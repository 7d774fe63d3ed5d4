import Foundation
import Glibc
import Testing

@testable import ChorusServer

@Suite struct ServerSupportTests {
    func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "chorus-test-\(UUID().uuidString)"
        return path
    }

    @Test func consoleSecretIsCreatedPrivateOnceAndReused() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try ConsoleSecret.load(configured: nil, stateDir: directory)
        #expect(first.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/console.secret")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = try ConsoleSecret.load(configured: nil, stateDir: directory)
        #expect(first == second)
        #expect(
            try ConsoleSecret.load(configured: "configured-secret-123", stateDir: directory)
                == Array("configured-secret-123".utf8))
    }

    @Test func statsPathsNameOneValidRoom() {
        #expect(HTTPRouter.statsRoom("/v1/rooms/show-1/stats") == "show-1")
        #expect(HTTPRouter.statsRoom("/v1/rooms/show 1/stats") == nil)
        #expect(HTTPRouter.statsRoom("/v1/rooms//stats") == nil)
        #expect(HTTPRouter.statsRoom("/v1/rooms/a/b/stats") == nil)
    }

    @Test func systemdNotifierSendsADatagramToNotifySocket() throws {
        let path = NSTemporaryDirectory() + "notify-\(UUID().uuidString).sock"
        defer { unlink(path) }
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(receiver >= 0)
        defer { close(receiver) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(receiver, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        #expect(notifier.notify("READY=1\nSTATUS=serving"))
        var buffer = [UInt8](repeating: 0, count: 256)
        let received = recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(received > 0)
        #expect(String(decoding: buffer.prefix(max(received, 0)), as: UTF8.self) == "READY=1\nSTATUS=serving")
        #expect(!SystemdNotifier(environment: [:]).notify("READY=1"))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "20000000"]) == 10)
    }
}
