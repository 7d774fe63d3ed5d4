@testable import ChorusCore

/// The `deliver` case's payload, nil for any other case: `try #require(action.delivery)` fails
/// the test when the hub returns something else, where `if case` would pass silently.
extension Hub.Action {
    var delivery: (batch: RoomBatch, shards: [Int])? {
        guard case .deliver(let batch, let shards) = self else { return nil }
        return (batch, shards)
    }
}
