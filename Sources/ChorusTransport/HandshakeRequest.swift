import CLibWebSockets

/// The parts of an HTTP request line and headers Chorus reads, copied out of lws while the
/// headers are still held (during the HTTP and ESTABLISHED callbacks).
struct HandshakeRequest {
    var path: String
    var arguments: [String: String]
    var bearerToken: String?

    init(wsi: OpaquePointer) {
        path = Self.header(wsi, WSI_TOKEN_GET_URI) ?? ""
        arguments = [:]
        var buffer = [CChar](repeating: 0, count: 4096)
        var fragment: Int32 = 0
        while true {
            let length = lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, fragment)
            guard length >= 0 else { break }
            let argument = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let equals = argument.firstIndex(of: "=") {
                let name = String(argument[..<equals])
                if arguments[name] == nil { arguments[name] = String(argument[argument.index(after: equals)...]) }
            }
            fragment += 1
        }
        if let authorization = Self.header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION),
            authorization.lowercased().hasPrefix("bearer ")
        {
            bearerToken = String(authorization.dropFirst(7)).trimmingSpaces()
        }
    }

    static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = lws_hdr_total_length(wsi, token)
        guard length > 0, length < 16384 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
