import Glibc

/// epoll and signalfd, bound at run time with `dlsym`.
///
/// Swift's `Glibc` module does not import `<sys/epoll.h>` or `<sys/signalfd.h>`, and the bench
/// must not add a C target to the package (it is a client and stays independent of the server's
/// shims). The functions are plain C ABI, so calling them through `@convention(c)` pointers
/// obtained from libc is exact; only `struct epoll_event` needs care because it is packed on
/// x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes).
struct LinuxEpoll {
    typealias Create1 = @convention(c) (Int32) -> Int32
    typealias Control = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias Wait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias SignalFD = @convention(c) (Int32, UnsafePointer<sigset_t>?, Int32) -> Int32

    static let readable: UInt32 = 0x001
    static let writable: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010
    static let peerHangUp: UInt32 = 0x2000

    static let controlAdd: Int32 = 1
    static let controlDelete: Int32 = 2
    static let controlModify: Int32 = 3
    static let closeOnExec: Int32 = 0o2_000_000
    static let nonBlocking: Int32 = 0o4_000

    #if arch(x86_64)
        /// `struct epoll_event` is `__attribute__((packed))` on x86-64.
        static let eventSize = 12
        static let dataOffset = 4
    #else
        static let eventSize = 16
        static let dataOffset = 8
    #endif

    let create1: Create1
    let control: Control
    let wait: Wait
    let signalFD: SignalFD

    init() throws(BenchError) {
        let libc = dlopen(nil, RTLD_NOW)
        func bind<F>(_ name: String, as type: F.Type) throws(BenchError) -> F {
            guard let symbol = dlsym(libc, name) else { throw .missingSymbol(name: name) }
            return unsafeBitCast(symbol, to: type)
        }
        create1 = try bind("epoll_create1", as: Create1.self)
        control = try bind("epoll_ctl", as: Control.self)
        wait = try bind("epoll_wait", as: Wait.self)
        signalFD = try bind("signalfd", as: SignalFD.self)
    }

    /// Writes one `epoll_event` into `buffer`.
    static func store(events: UInt32, token: UInt64, into buffer: UnsafeMutableRawPointer) {
        buffer.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
        buffer.storeBytes(of: token, toByteOffset: dataOffset, as: UInt64.self)
    }

    /// Reads the `index`-th `epoll_event` of an array filled by `epoll_wait`.
    static func load(
        from buffer: UnsafeMutableRawPointer, index: Int
    ) -> (events: UInt32, token: UInt64) {
        let base = buffer + index * eventSize
        let events = base.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        let token = base.loadUnaligned(fromByteOffset: dataOffset, as: UInt64.self)
        return (events, token)
    }
}
