/// What deliveries and writes do to one member, through `inout`.
///
/// `Shard` passes `&members.values[index]`, which goes through the values view's `_modify`
/// and touches the member in place. A read of `members.values[index].field` goes through the
/// view's getter instead, which copies the whole Member, retaining and releasing every piece
/// of its storage, for each field read: about four copies per delivered batch and member.
extension Shard {
    static func enqueue(
        _ entry: OutboundQueue<Frame>.Entry, into member: inout Member, id: ConnectionID,
        statistics: inout ShardStatistics
    ) -> Action? {
        guard !member.closing else { return nil }
        let before = member.queue.queuedBytes
        let result = member.queue.enqueue(entry)
        statistics.queuedBytes += member.queue.queuedBytes - before
        switch result {
        case .overflow:
            member.closing = true
            if member.role == .console {
                statistics.slowConsolesClosed += 1
                return .close(id, code: CloseCode.tooSlow, reason: "console too slow")
            }
            statistics.slowViewersClosed += 1
            return .close(id, code: CloseCode.tooSlow, reason: "viewer too slow")
        case .queuedAfterDropping(let messages, let shed):
            statistics.droppedViewerMessages += messages - shed
            statistics.shedViewerMessages += shed
        case .queued:
            break
        }
        guard !member.awaitingWritable else { return nil }
        member.awaitingWritable = true
        return .wantWrite(id)
    }

    /// What `deliver` needs of a member; nil when it must not get `batch`.
    static func deliveryView(of member: inout Member, for batch: RoomBatch) -> DeliveryView? {
        guard !member.closing, member.receivesBatches, let after = member.rooms[batch.room],
            batch.range.upperBound > after
        else { return nil }
        return DeliveryView(
            languages: member.filter.languages(for: batch.room), isViewer: member.role == .viewer,
            isBehindReplay: !member.backlog.isEmpty)
    }

    struct DeliveryView {
        var languages: Set<String>?
        var isViewer: Bool
        var isBehindReplay: Bool
    }

    /// Returns true when the backlog passed the console's budget (the member is now closing).
    static func appendToBacklog(_ entry: OutboundQueue<Frame>.Entry, of member: inout Member) -> Bool {
        member.backlog.append(entry, live: true)
        guard member.backlog.liveBytes > member.queue.budgetBytes else { return false }
        member.closing = true
        return true
    }

    /// Takes the next item from the member's queue; `backlogWaiting` says a refill may follow.
    static func takeNext(
        from member: inout Member, statistics: inout ShardStatistics
    ) -> (item: OutboundQueue<Frame>.Item, backlogWaiting: Bool)? {
        let before = member.queue.queuedBytes
        guard let item = member.queue.next() else {
            member.awaitingWritable = false
            return nil
        }
        statistics.queuedBytes -= before - member.queue.queuedBytes
        return (item, !member.backlog.isEmpty)
    }

    /// Whether another write should be requested, noted on the member.
    static func wantsMoreWrites(_ member: inout Member) -> Bool {
        member.awaitingWritable = !member.queue.isEmpty
        return member.awaitingWritable
    }

    /// The backlog's next entry that fits in half the queue's budget, or, once the queue is
    /// empty, the next one whatever its size (one larger than the whole budget then closes
    /// the console, as it would live).
    static func nextFromBacklog(of member: inout Member) -> OutboundQueue<Frame>.Entry? {
        let room = member.queue.budgetBytes / 2 - member.queue.queuedBytes
        if let entry = member.backlog.take(fitting: max(room, 0)) { return entry }
        return member.queue.isEmpty ? member.backlog.take(fitting: .max) : nil
    }
}
