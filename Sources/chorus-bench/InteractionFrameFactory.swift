/// Builds the frames `count` publishers send: one interaction with `"ack":true` and a `cid`
/// (and an idempotency key when asked).
///
/// The `cid` is a `BenchMessageID` (run, publisher, per-publisher counter, intended send time),
/// so it is unique per interaction and the ack that echoes it carries everything needed to
/// match it and to time it, with no table of sent interactions.
struct InteractionFrameFactory {
    /// Everything of each type's frame before the ack and cid, indexed by `InteractionType`; chat
    /// continues with its text.
    private static let heads: [[UInt8]] = InteractionType.allCases.map { type in
        let fields =
            switch type {
            case .chat: #"{"type":"chat","text":""#
            case .like: #"{"type":"like","#
            case .gift: #"{"type":"gift","gift":"rose","#
            case .cart: #"{"type":"cart","sku":"SKU-1","#
            case .purchase: #"{"type":"purchase","sku":"SKU-1","qty":1,"#
            case .coupon: #"{"type":"coupon","code":"SAVE10","#
            }
        return Array(fields.utf8)
    }
    private static let chatTextEnd = Array(#"","#.utf8)
    private static let ackAndCid = Array(#""ack":true,"cid":""#.utf8)
    private static let end = Array(#""}"#.utf8)
    private static let keyField = Array(#"","idempotencyKey":"k"#.utf8)

    let run: UInt16
    /// Adds `"idempotencyKey":"k<run>.<publisher>.<index>"`, the same for every resend of one
    /// interaction, so the daemon counts it once however often it is sent.
    var idempotencyKeys = false

    /// Appends the frame for interaction `id` of type `type` to `output` (reuse one buffer).
    func append(
        _ type: InteractionType, locale: ViewerLocale, id: BenchMessageID, to output: inout [UInt8]
    ) {
        output.append(contentsOf: Self.heads[type.rawValue])
        if type == .chat {
            output.append(contentsOf: locale.chatLines[id.index % locale.chatLines.count])
            output.append(contentsOf: Self.chatTextEnd)
        }
        output.append(contentsOf: Self.ackAndCid)
        id.append(run: run, to: &output)
        if idempotencyKeys {
            output.append(contentsOf: Self.keyField)
            BenchMessageID(publisher: id.publisher, index: id.index, sentAt: 0).appendKey(run: run, to: &output)
        }
        output.append(contentsOf: Self.end)
    }
}
