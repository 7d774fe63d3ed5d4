/// Failures at the libwebsockets boundary, with what was being attempted.
public enum TransportError: Error, CustomStringConvertible, Sendable {
    case contextCreationFailed(host: String, port: Int, eventLoop: String)
    case threadStartFailed(index: Int)

    public var description: String {
        switch self {
        case .contextCreationFailed(let host, let port, let eventLoop):
            "could not listen on \(host):\(port) with the \(eventLoop) event loop "
                + "(address in use, no such interface, or event library plugin missing)"
        case .threadStartFailed(let index):
            "could not start service thread \(index)"
        }
    }
}
