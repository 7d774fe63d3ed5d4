import Glibc

/// A POSIX thread running one closure, to be joined: the service threads, the cluster's
/// subscriber. (Foundation's `Thread` cannot be joined, and these threads own state that
/// must be torn down before the process moves on.)
public struct JoinableThread: Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new thread; nil when the system refuses one.
    public static func start(_ body: @escaping () -> Void) -> JoinableThread? {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return nil
        }
        return JoinableThread(thread: thread)
    }

    /// Waits for the thread to end.
    public func join() {
        pthread_join(thread, nil)
    }

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
