import CLibWebSockets
import ChorusCore

/// Copies what Chorus reads of an HTTP request out of lws while it still holds the headers
/// (during the HTTP and ESTABLISHED callbacks); the core parses and checks it.
extension UpgradeRequest {
    init(wsi: OpaquePointer) {
        self.init(
            path: Self.header(wsi, WSI_TOKEN_GET_URI) ?? "", queryFragments: Self.queryFragments(wsi),
            authorization: Self.header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION))
    }

    /// The `name=value` arguments as lws split and URL-decoded them (a `%00` stays a NUL byte).
    static func queryFragments(_ wsi: OpaquePointer) -> [String] {
        var fragments: [String] = []
        var index: Int32 = 0
        while true {
            let total = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, index)
            guard total > 0 else { break }
            var buffer = [CChar](repeating: 0, count: Int(total) + 1)
            let length = lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index)
            guard length >= 0 else { break }
            fragments.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            index += 1
        }
        return fragments
    }

    static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = lws_hdr_total_length(wsi, token)
        guard length > 0, length < 16384 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
