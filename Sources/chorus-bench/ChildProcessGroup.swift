import Glibc

/// Copies of this executable started to hold a slice of the connections each.
///
/// One process can hold about 19,900 connections (RLIMIT_NOFILE is 20,000), so `hold
/// --processes K` re-executes `/proc/self/exe hold --child-run-id …` K times. Each child
/// reports on a stdout pipe (`READY …` once connected, `CHILD {json}` at the end) and holds
/// until its stdin pipe closes, which the parent does when the measurement is over — or until
/// the parent dies, which closes the pipe too, so no child outlives its run.
final class ChildProcessGroup {
    private struct Child {
        var pid: pid_t
        var stdinWrite: Int32
        var stdoutRead: Int32
        var buffer: [UInt8] = []
        var lines: [String] = []
        var reachedEOF = false
    }

    private var children: [Child] = []

    var count: Int { children.count }
    var pids: [Int32] { children.map(\.pid) }

    /// Starts one child per argument list.
    init(arguments: [[String]]) throws(BenchError) {
        let executable = try Self.ownExecutable()
        for (index, list) in arguments.enumerated() {
            var input: [Int32] = [0, 0]
            var output: [Int32] = [0, 0]
            guard pipe(&input) == 0, pipe(&output) == 0 else {
                throw .systemCall(name: "pipe", errno: errno)
            }
            // dup2 in the child clears close-on-exec on its copies; the originals must not leak.
            for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            let pid = try Self.spawn(executable, list, stdin: input[0], stdout: output[1], index)
            close(input[0])
            close(output[1])
            _ = fcntl(output[0], F_SETFL, O_NONBLOCK)
            children.append(Child(pid: pid, stdinWrite: input[1], stdoutRead: output[0]))
        }
    }

    /// Reads whatever the children have written, without blocking.
    func collectOutput() {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for index in children.indices where !children[index].reachedEOF {
            while true {
                let count = read(children[index].stdoutRead, &chunk, chunk.count)
                if count > 0 {
                    children[index].buffer.append(contentsOf: chunk[0..<count])
                    continue
                }
                if count == 0 { children[index].reachedEOF = true }
                break
            }
            while let newline = children[index].buffer.firstIndex(of: 10) {
                let line = String(decoding: children[index].buffer[..<newline], as: UTF8.self)
                children[index].lines.append(line)
                children[index].buffer.removeSubrange(...newline)
            }
        }
    }

    /// The first line child `index` printed that starts with `prefix` (prefix removed).
    func line(startingWith prefix: String, child index: Int) -> String? {
        children[index].lines.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    func hasExited(_ index: Int) -> Bool { children[index].reachedEOF }

    /// Closes the children's stdin: the signal to report and exit.
    func release() {
        for index in children.indices where children[index].stdinWrite >= 0 {
            close(children[index].stdinWrite)
            children[index].stdinWrite = -1
        }
    }

    /// Waits for every child to finish its output and exit; after `timeoutSeconds` the
    /// remaining ones get SIGKILL (by pid: only our own children).
    func waitForExit(timeoutSeconds: Double) {
        let deadline = MonotonicClock.now() + UInt64(timeoutSeconds * 1e9)
        while children.contains(where: { !$0.reachedEOF }) && MonotonicClock.now() < deadline {
            collectOutput()
            usleep(10_000)
        }
        for child in children {
            if !child.reachedEOF { kill(child.pid, SIGKILL) }
            var status: Int32 = 0
            waitpid(child.pid, &status, 0)
            close(child.stdoutRead)
        }
    }

    private static func ownExecutable() throws(BenchError) -> String {
        var path = [CChar](repeating: 0, count: 4_096)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { throw .systemCall(name: "readlink /proc/self/exe", errno: errno) }
        return String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], stdin: Int32, stdout: Int32, _ index: Int
    ) throws(BenchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, stdout, STDOUT_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let strings = [executable] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw .childFailed(index: index, reason: "posix_spawn: \(SystemErrorText.describe(result))")
        }
        return pid
    }
}
