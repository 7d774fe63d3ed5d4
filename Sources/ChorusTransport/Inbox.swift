import ChorusSync

/// Work handed to a service thread by other threads. Any thread may `post`; only the owning
/// service thread may `takeAll`. Posting returns whether the inbox was empty, so the poster
/// knows whether the service thread still needs a wake-up (`lws_cancel_service`).
final class Inbox<Message: Sendable>: Sendable {
    private let messages = Locked<[Message]>([])

    /// Returns true when the inbox was empty before this message.
    func post(_ message: Message) -> Bool {
        messages.withLock { queue in
            queue.append(message)
            return queue.count == 1
        }
    }

    func takeAll() -> [Message] {
        messages.withLock { queue in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
