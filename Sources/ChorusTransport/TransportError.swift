/// Failures at the libwebsockets boundary, with what was being attempted.
public enum TransportError: Error, CustomStringConvertible, Sendable {
    case contextCreationFailed(host: String, port: Int, eventLoop: String)
    case threadStartFailed(index: Int)
    case bindFailed(host: String, port: Int, reason: String)
    case adoptFailed(index: Int)
    case timerCreationFailed

    public var description: String {
        switch self {
        case .contextCreationFailed(let host, let port, let eventLoop):
            "could not create the lws context for \(host):\(port) with the \(eventLoop) event loop "
                + "(for libev: is libwebsockets-evlib-ev installed?)"
        case .threadStartFailed(let index):
            "could not start service thread \(index)"
        case .bindFailed(let host, let port, let reason):
            "could not listen on \(host):\(port): \(reason)"
        case .adoptFailed(let index):
            "service thread \(index) could not watch its listening socket"
        case .timerCreationFailed:
            "could not allocate a service thread's timer"
        }
    }
}
