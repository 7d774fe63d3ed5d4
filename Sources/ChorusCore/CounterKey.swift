/// One cell of the durable counts: a room's interactions of one type, language and region in
/// one minute (Unix epoch minutes, from the daemon's receipt time).
public struct CounterKey: Hashable, Sendable {
    public var room: String
    public var kind: InteractionKind
    public var language: String
    public var region: String
    public var minute: Int64

    public init(room: String, kind: InteractionKind, language: String, region: String, minute: Int64) {
        self.room = room
        self.kind = kind
        self.language = language
        self.region = region
        self.minute = minute
    }
}
