import ChorusCore

/// A stand-in for HMAC-SHA256 (which lives in OpenSSL, outside the core): 32 bytes that depend
/// on every byte of the key and the message. The core only needs a deterministic MAC here.
public let toyAuthenticator: ConsoleToken.MessageAuthenticator = { key, message in
    var state: [UInt8] = Array(repeating: 0x5A, count: 32)
    var index = 0
    for byte in key + [0xFF] + message {
        state[index % 32] = (state[index % 32] &* 31) &+ byte &+ UInt8(truncatingIfNeeded: index)
        index += 1
    }
    return state
}

public let fuzzSecret: [UInt8] = Array("fuzz-secret-0123456789abcdef".utf8)
