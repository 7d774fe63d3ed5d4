import ArgumentParser
import ChorusCore

/// Which server a load scenario drives (`--server`).
///
/// `plain` is a bare pub/sub relay (a uWebSockets server, say): each socket subscribes to its
/// `room` query parameter and every text message it sends goes verbatim to the room's other
/// subscribers. Driving it with the same rooms, rates and chat frames as `chorusd` gives a floor
/// to measure chorusd's CPU per delivery and latency against.
enum ServerKind: String, CaseIterable, ExpressibleByArgument {
    /// `chorusd`: welcome frame, sequenced batches, the `/v1/viewer` path.
    case chorus
    /// A plain relay: no welcome, one text frame per message, no sequence numbers.
    case plain

    /// The upgrade path for a member of `room`; a plain relay reads nothing but the room.
    func path(room: String, user: String, feed: ViewerFeed = .all) -> String {
        switch self {
        case .chorus: ConnectPhase.viewerPath(room: room, user: user, feed: feed)
        case .plain: "/?room=\(room)"
        }
    }

    /// Whether the server numbers its messages, so gaps, duplicates and order can be checked.
    var hasSequenceNumbers: Bool { self == .chorus }
}

/// The `--server` option of the scenarios that can drive either kind.
struct ServerOptions: ParsableArguments {
    @Option(
        help: """
            The server behind --url: chorus (chorusd) or plain (a pub/sub relay: /?room=NAME, no \
            welcome, each text frame one message to the room's other members, no sequence checks).
            """)
    var server = ServerKind.chorus
}
