extension String {
    /// Calls `body` with the string's UTF-8 bytes. A native string lends its storage (no copy,
    /// no retain: this runs several times per chat message); any other is copied first.
    @inlinable
    public func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
