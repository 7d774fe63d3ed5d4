import CLibWebSockets
import ChorusCore

/// Copies the request head out of lws once it parsed it (HTTP_CONFIRM_UPGRADE,
/// FILTER_HTTP_CONNECTION); the core checks it.
extension HTTPRequestHead {
    /// lws's `method_names` in 4.1 with LWS_WITH_HTTP_UNCOMMON_HEADERS (Debian's build), in
    /// the order `lws_http_get_uri_and_method` indexes them.
    private static let methods: [(String, lws_token_indexes)] = [
        ("GET", WSI_TOKEN_GET_URI), ("POST", WSI_TOKEN_POST_URI), ("OPTIONS", WSI_TOKEN_OPTIONS_URI),
        ("PUT", WSI_TOKEN_PUT_URI), ("PATCH", WSI_TOKEN_PATCH_URI), ("DELETE", WSI_TOKEN_DELETE_URI),
        ("CONNECT", WSI_TOKEN_CONNECT), ("HEAD", WSI_TOKEN_HEAD_URI),
    ]

    init(wsi: OpaquePointer) {
        var method = "OTHER"
        var path = ""
        for (name, token) in Self.methods where lws_hdr_total_length(wsi, token) > 0 {
            method = name
            path = UpgradeRequest.header(wsi, token) ?? ""
            break
        }
        self.init(
            method: method, path: path, queryFragments: UpgradeRequest.queryFragments(wsi),
            version: UpgradeRequest.header(wsi, WSI_TOKEN_HTTP) ?? "",
            upgrade: UpgradeRequest.header(wsi, WSI_TOKEN_UPGRADE),
            connection: UpgradeRequest.header(wsi, WSI_TOKEN_CONNECTION),
            webSocketKey: UpgradeRequest.header(wsi, WSI_TOKEN_KEY),
            webSocketVersion: UpgradeRequest.header(wsi, WSI_TOKEN_VERSION),
            contentLength: UpgradeRequest.header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH),
            transferEncoding: UpgradeRequest.header(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING))
    }
}
