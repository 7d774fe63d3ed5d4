import Glibc

/// A pthread running one closure, which pins itself to one CPU with `pinCurrentThread`.
///
/// A plain pthread rather than Foundation's `Thread` or Dispatch: the writer must be one known
/// kernel thread for its whole run, so that `RUSAGE_THREAD` covers its own sends and nothing else.
final class PinnedThread {
    typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer?) -> Int32

    /// `sched_setaffinity` is behind _GNU_SOURCE, so it is bound from libc like epoll is.
    private static let setAffinity: SetAffinity? = dlsym(dlopen(nil, RTLD_NOW), "sched_setaffinity").map {
        unsafeBitCast($0, to: SetAffinity.self)
    }

    private final class Start {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private let thread: pthread_t

    private init(thread: pthread_t) { self.thread = thread }

    /// Starts `body` on a new thread; `body` pins itself first, so a failure to pin is its result.
    static func start(_ body: @escaping () -> Void) throws(BenchError) -> PinnedThread {
        var thread = pthread_t()
        let start = Unmanaged.passRetained(Start(body)).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue().body()
                return nil
            }, start)
        guard result == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            throw .systemCall(name: "pthread_create", errno: result)
        }
        return PinnedThread(thread: thread)
    }

    func join() { pthread_join(thread, nil) }

    /// Pins the calling thread (pid 0 means the caller, not the process) to `cpu`.
    static func pinCurrentThread(to cpu: Int) throws(BenchError) {
        guard let function = setAffinity else { throw .missingSymbol(name: "sched_setaffinity") }
        // CPU_SET is a macro Swift cannot import: bit cpu % 64 of word cpu / 64.
        var set = cpu_set_t()
        let wordBits = UInt.bitWidth
        let result = withUnsafeMutableBytes(of: &set) { bytes in
            bytes.storeBytes(
                of: UInt(1) << (cpu % wordBits), toByteOffset: cpu / wordBits * MemoryLayout<UInt>.size,
                as: UInt.self)
            return function(0, bytes.count, bytes.baseAddress)
        }
        guard result == 0 else { throw .systemCall(name: "sched_setaffinity(CPU \(cpu))", errno: errno) }
    }
}
