extension ProtocolError {
    /// What a person is told about a refused frame.
    public func notice(maxChatCharacters: Int) -> Notice {
        switch self {
        case .throttled(_, let reason, let retryAfter):
            let seconds = max(1, (retryAfter + 999) / 1000)
            return Notice(reason == .slowMode ? .slowModeWait : .rateLimited, integers: ["seconds": seconds])
        case .tooLarge:
            return Notice(.messageTooLong, integers: ["limit": maxChatCharacters])
        case .invalidField(let name, let reason) where name == "text" && reason.hasPrefix("is longer"):
            return Notice(.messageTooLong, integers: ["limit": maxChatCharacters])
        case .forbidden:
            return Notice(.forbidden)
        case .invalidJSON, .unknownType, .invalidField:
            return Notice(.invalidMessage)
        }
    }
}
