import ChorusCore
public import ChorusTransport
import Foundation

/// The relay's plain HTTP endpoints: health, Prometheus metrics, node and per-room stats.
public final class HTTPRouter: HTTPResponder {
    private let metrics: MetricsExporter

    public init(metrics: MetricsExporter) {
        self.metrics = metrics
    }

    public func respond(to request: HTTPRequest, relay: RelayServer) -> HTTPResponse {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let sinceMinute: Int64
        switch Self.minutes(request.arguments["minutes"]) {
        case .success(let minutes?):
            sinceMinute = Int64(Date().timeIntervalSince1970) / 60 - Int64(minutes) + 1
        case .success(nil):
            sinceMinute = .min
        case .failure(let error):
            var json = JSONWriter()
            json.beginObject()
            json.field("error", "invalid_query")
            json.field("message", error.message)
            json.endObject()
            return .json(400, json.bytes)
        }
        switch path {
        case "/healthz":
            if relay.isDraining { return .text(503, "draining\n") }
            // Still 200: a node whose Redis is down keeps its members; every node would fail alike.
            if let problem = metrics.clusterDegradation() { return .text(200, "degraded: \(problem)\n") }
            return .text(200, "ok\n")
        case "/v1/stats":
            return .json(200, relay.withHub { $0.nodeStats() }.json(sinceMinute: sinceMinute))
        case "/metrics":
            return HTTPResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render(relay))
        default:
            if let room = Self.statsRoom(path) {
                // A room that is not open answers with its stored counts, if it has any.
                guard let stats = relay.withHub({ $0.stats(room: room) ?? $0.archivedStats(room: room) }) else {
                    return .json(404, Array("{\"error\":\"unknown_room\"}".utf8))
                }
                return .json(200, stats.json(sinceMinute: sinceMinute))
            }
            return .text(404, "not found\n")
        }
    }

    struct QueryError: Error {
        var message: String
    }

    /// `minutes=N` (1...1440): only the last N minutes of the per-minute series.
    static func minutes(_ argument: String?) -> Result<Int?, QueryError> {
        guard let argument else { return .success(nil) }
        guard let minutes = Int(argument), (1...1440).contains(minutes) else {
            return .failure(QueryError(message: "minutes must be an integer in 1...1440"))
        }
        return .success(minutes)
    }

    /// `/v1/rooms/{room}/stats` → room.
    static func statsRoom(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "v1", parts[2] == "rooms", parts[4] == "stats",
            RoomName.isValid(parts[3])
        else { return nil }
        return String(parts[3])
    }
}
