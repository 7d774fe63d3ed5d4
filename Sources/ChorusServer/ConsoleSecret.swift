import ChorusCore
import ChorusTransport
import Glibc

/// The HMAC secret for console tokens: from configuration, or generated once into
/// `<stateDir>/console.secret` (mode 0600) so tokens survive restarts.
public enum ConsoleSecret {
    public struct LoadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "console secret \(path): \(reason)" }
    }

    public static func load(configured: String?, stateDir: String) throws(LoadError) -> [UInt8] {
        if let configured { return Array(configured.utf8) }
        try StateDirectory.ensure(stateDir)
        let path = stateDir + "/console.secret"
        if let existing = try? readFile(path), existing.count >= 16 { return existing }
        guard let random = HMAC.randomBytes(32) else { throw LoadError(path: path, reason: "no random bytes") }
        let hex = Array(ConsoleToken.hex(random).utf8)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            // Another process may have created it first; use theirs.
            if let existing = try? readFile(path), existing.count >= 16 { return existing }
            throw LoadError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        guard write(descriptor, hex, hex.count) == hex.count else {
            throw LoadError(path: path, reason: String(cString: strerror(errno)))
        }
        return hex
    }

    static func readFile(_ path: String) throws(LoadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw LoadError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            contents.append(contentsOf: buffer[..<count])
        }
        while let last = contents.last, last == 0x0A || last == 0x0D || last == 0x20 { contents.removeLast() }
        return contents
    }
}

/// Creates the state directory (mode 0700) if needed.
public enum StateDirectory {
    public static func ensure(_ path: String) throws(ConsoleSecret.LoadError) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw ConsoleSecret.LoadError(path: path, reason: "exists and is not a directory")
            }
            return
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw ConsoleSecret.LoadError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
