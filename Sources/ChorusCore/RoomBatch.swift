/// A flushed batch: consecutive messages of one room and their single shared encoding.
public struct RoomBatch: Sendable {
    public var room: String
    public var range: ClosedRange<UInt64>
    public var messages: [RoomMessage]
    /// The unfiltered frame, encoded once for every recipient.
    public var frame: [UInt8]
    /// Not messages but a `gap` frame for `range` (numbers lost for good, `Hub+Cluster.swift`):
    /// every member gets `frame` as it is, whatever its language filter.
    public var isGap: Bool

    public init(room: String, range: ClosedRange<UInt64>, messages: [RoomMessage], frame: [UInt8], isGap: Bool = false)
    {
        self.room = room
        self.range = range
        self.messages = messages
        self.frame = frame
        self.isGap = isGap
    }
}
