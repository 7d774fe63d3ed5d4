@testable import ChorusCore

/// Each case's payload, nil for the other case: `try #require(queue.next()?.asFrame)` fails the
/// test when the queue yields the wrong case, where `if case … { #expect … }` would pass silently.
extension OutboundQueue.Item {
    var asFrame: Frame? {
        guard case .frame(let frame) = self else { return nil }
        return frame
    }

    var asMissed: (room: String, range: ClosedRange<UInt64>)? {
        guard case .missed(let room, let range) = self else { return nil }
        return (room, range)
    }
}

extension OutboundQueue.Item: Equatable where Frame: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.frame(let left), .frame(let right)): left == right
        case (.missed(let leftRoom, let leftRange), .missed(let rightRoom, let rightRange)):
            leftRoom == rightRoom && leftRange == rightRange
        default: false
        }
    }
}
