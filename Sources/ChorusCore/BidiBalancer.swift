/// Closes the bidi embeddings, overrides and isolates a chat text leaves open, so that a
/// message can reorder only itself and never the author name, the next message or the rest
/// of a client's line (UAX #9: an unclosed RLO spills over whatever a client draws after it).
///
/// The text is kept as sent, controls included (removing them would garble right-to-left
/// text that relies on them); only the missing U+202C PDF and U+2069 PDI are appended, in
/// the order UAX #9 pairs them. Clients should still show each text isolated (FSI … PDI, or
/// `<bdi>`), as the daemon does for values in right-to-left notices.
public enum BidiBalancer {
    public static let popDirectionalFormatting: Unicode.Scalar = "\u{202C}"
    public static let popDirectionalIsolate: Unicode.Scalar = "\u{2069}"

    private enum Opener { case embedding, isolate }

    /// `text` with its open embeddings and isolates closed; `text` itself when none is open.
    public static func balanced(_ text: String) -> String {
        var open: [Opener] = []
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x202A...0x202B, 0x202D...0x202E:  // LRE, RLE, LRO, RLO
                open.append(.embedding)
            case 0x2066...0x2068:  // LRI, RLI, FSI
                open.append(.isolate)
            case 0x202C:  // PDF closes an embedding opened inside the innermost isolate.
                if open.last == .embedding { open.removeLast() }
            case 0x2069:  // PDI closes the innermost isolate and the embeddings opened in it.
                if let isolate = open.lastIndex(of: .isolate) { open.removeSubrange(isolate...) }
            default:
                continue
            }
        }
        guard !open.isEmpty else { return text }
        var closed = text
        for opener in open.reversed() {
            closed.unicodeScalars.append(opener == .embedding ? popDirectionalFormatting : popDirectionalIsolate)
        }
        return closed
    }
}
