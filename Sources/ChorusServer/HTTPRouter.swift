import ChorusCore
public import ChorusTransport

/// The relay's plain HTTP endpoints: health, Prometheus metrics, per-room stats.
public final class HTTPRouter: HTTPResponder {
    private let metrics: MetricsExporter

    public init(metrics: MetricsExporter) {
        self.metrics = metrics
    }

    public func respond(to request: HTTPRequest, relay: RelayServer) -> HTTPResponse {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        switch path {
        case "/healthz":
            return relay.isDraining ? .text(503, "draining\n") : .text(200, "ok\n")
        case "/metrics":
            return HTTPResponse(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render(relay))
        default:
            if let room = Self.statsRoom(path) {
                // A room that is not open answers with its stored counts, if it has any.
                guard let stats = relay.withHub({ $0.stats(room: room) ?? $0.archivedStats(room: room) }) else {
                    return .json(404, Array("{\"error\":\"unknown_room\"}".utf8))
                }
                return .json(200, stats.json())
            }
            return .text(404, "not found\n")
        }
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
