import Foundation
import Glibc

/// Reads `GET /v1/rooms/{room}/stats` with a plain HTTP/1.0 request on the daemon's port.
///
/// The daemon serves HTTP and WebSocket on one port, and the bench needs a handful of requests
/// per run, so a socket, one request line and a read to end of stream are enough: HTTP/1.0 makes
/// the server close after the response. The endpoint is already restricted to loopback.
enum RoomStatsClient {
    /// The part of the stats document the count check compares.
    struct RoomStats: Decodable {
        struct Interactions: Decodable {
            var total: Int
            var byType: [String: Int]
            var byRegion: [String: Int]
        }

        var seq: UInt64
        var interactions: Interactions

        /// Flattened as the check keys them: `total`, `type:like`, `region:BR`.
        var counters: [String: Int] {
            var counters = [CountCheck.totalKey: interactions.total]
            for (name, count) in interactions.byType { counters[CountCheck.typeKey(name)] = count }
            for (code, count) in interactions.byRegion { counters[CountCheck.regionKey(code)] = count }
            return counters
        }
    }

    /// A response larger than this is not a stats document.
    private static let maxResponseBytes = 1 << 20

    /// The stats of `room`; fails on anything but a `200` with the expected JSON by `deadline`.
    static func fetch(
        room: String, endpoint: LoopbackEndpoint, deadline: UInt64
    ) throws(BenchError) -> RoomStats {
        let path = "/v1/rooms/\(room)/stats"
        let response = try get(path: path, endpoint: endpoint, deadline: deadline)
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else {
            throw .httpFailed(path: path, reason: "status \(response.status): \(text.prefix(200))")
        }
        guard let stats = try? JSONDecoder().decode(RoomStats.self, from: Data(response.body)) else {
            throw .httpFailed(path: path, reason: "not a stats document: \(text.prefix(200))")
        }
        return stats
    }

    private static func get(
        path: String, endpoint: LoopbackEndpoint, deadline: UInt64
    ) throws(BenchError) -> (status: Int, body: [UInt8]) {
        let fd: Int32
        do {
            fd = try SocketFactory.connect(to: endpoint, from: nil)
        } catch {
            throw .httpFailed(path: path, reason: error.description)
        }
        defer { close(fd) }
        try wait(fd: fd, for: Int16(POLLOUT), path: path, deadline: deadline)
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else { throw .httpFailed(path: path, reason: "connect: \(SystemErrorText.describe(error))") }

        let request = Array("GET \(path) HTTP/1.0\r\nHost: \(endpoint.hostHeader)\r\n\r\n".utf8)
        var offset = 0
        while offset < request.count {
            try wait(fd: fd, for: Int16(POLLOUT), path: path, deadline: deadline)
            let written = request.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written >= 0 || errno == EAGAIN || errno == EINTR else {
                throw .httpFailed(path: path, reason: "send: \(SystemErrorText.describe(errno))")
            }
            offset += max(0, written)
        }

        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            try wait(fd: fd, for: Int16(POLLIN), path: path, deadline: deadline)
            let count = read(fd, &chunk, chunk.count)
            if count == 0 { break }
            guard count > 0 || errno == EAGAIN || errno == EINTR else {
                throw .httpFailed(path: path, reason: "read: \(SystemErrorText.describe(errno))")
            }
            response.append(contentsOf: chunk[0..<max(0, count)])
            guard response.count <= maxResponseBytes else {
                throw .httpFailed(path: path, reason: "response larger than \(maxResponseBytes) bytes")
            }
        }
        return try parse(response, path: path)
    }

    /// Status code and body of a complete HTTP/1.x response.
    private static func parse(_ response: [UInt8], path: String) throws(BenchError) -> (status: Int, body: [UInt8]) {
        let separator = Array("\r\n\r\n".utf8)
        guard let headerEnd = response.indices.first(where: { response[$0...].starts(with: separator) }) else {
            throw .httpFailed(path: path, reason: "no complete HTTP header in \(response.count) bytes")
        }
        let statusLine = String(decoding: response.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .httpFailed(path: path, reason: "bad status line: \(statusLine.prefix(100))")
        }
        return (status, Array(response[(headerEnd + separator.count)...]))
    }

    /// Waits until `fd` is ready for `events` or `deadline` passes.
    private static func wait(fd: Int32, for events: Int16, path: String, deadline: UInt64) throws(BenchError) {
        while true {
            let now = MonotonicClock.now()
            guard now < deadline else { throw .httpFailed(path: path, reason: "timed out") }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(min((deadline - now) / 1_000_000 + 1, 1_000)))
            if ready > 0 { return }
            guard ready == 0 || errno == EINTR else {
                throw .httpFailed(path: path, reason: "poll: \(SystemErrorText.describe(errno))")
            }
        }
    }
}
