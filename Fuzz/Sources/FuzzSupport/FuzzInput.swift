/// Helpers that turn libFuzzer's raw input into the pieces a target needs.
/// The input as a byte array (an empty input has no base address).
public func bytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let data, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: count))
}

/// Splits an input at the first `0x00` bytes into `parts` pieces (missing pieces are empty):
/// one input drives several fields.
public func split(_ input: [UInt8], parts: Int) -> [[UInt8]] {
    var pieces = input.split(separator: 0, maxSplits: parts - 1, omittingEmptySubsequences: false).map(Array.init)
    while pieces.count < parts { pieces.append([]) }
    return pieces
}
