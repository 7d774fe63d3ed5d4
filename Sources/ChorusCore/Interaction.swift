/// The kinds of interaction a viewer can send; the raw value is the wire `type`.
public enum InteractionKind: String, CaseIterable, Sendable, Hashable {
    case chat, like, gift, cart, purchase, coupon

    /// Position in fixed-size counter arrays.
    public var index: Int {
        switch self {
        case .chat: 0
        case .like: 1
        case .gift: 2
        case .cart: 3
        case .purchase: 4
        case .coupon: 5
        }
    }
}

/// What a viewer sent, validated.
public enum InteractionPayload: Sendable, Equatable {
    case chat(text: String)
    case like(count: Int)
    case gift(name: String, amount: Int)
    case cart(sku: String)
    case purchase(sku: String, quantity: Int)
    case coupon(code: String)

    /// Gifts and shopping actions: what a viewer that falls behind keeps when its chat is shed.
    public var isCommerce: Bool {
        switch self {
        case .chat, .like: false
        case .gift, .cart, .purchase, .coupon: true
        }
    }

    public var kind: InteractionKind {
        switch self {
        case .chat: .chat
        case .like: .like
        case .gift: .gift
        case .cart: .cart
        case .purchase: .purchase
        case .coupon: .coupon
        }
    }
}

/// Who sent a message, as declared when the viewer connected.
public struct Author: Sendable, Equatable {
    public var user: String
    public var locale: String
    public var region: String

    public init(user: String, locale: String, region: String) {
        self.user = user
        self.locale = locale
        self.region = region
    }

    /// The language subtag of the declared locale (`pt` for `pt-BR`), or `und`.
    public var declaredLanguage: String {
        let subtag = locale.split(separator: "-", maxSplits: 1).first.map(String.init) ?? "und"
        return subtag.isEmpty ? "und" : subtag.lowercased()
    }
}

/// An accepted interaction with its place in the room's sequence.
public struct RoomMessage: Sendable, Equatable {
    public var seq: UInt64
    public var payload: InteractionPayload
    public var author: Author
    /// The client's own id for the message, echoed back as `cid`.
    public var clientID: String?
    /// Detected language for chat, declared language otherwise.
    public var language: String
    /// Only chat carries a confidence.
    public var confidence: Double?
    /// Server receipt time, milliseconds since the Unix epoch.
    public var receivedAtMs: Int64

    public init(
        seq: UInt64, payload: InteractionPayload, author: Author, clientID: String?, language: String,
        confidence: Double?, receivedAtMs: Int64
    ) {
        self.seq = seq
        self.payload = payload
        self.author = author
        self.clientID = clientID
        self.language = language
        self.confidence = confidence
        self.receivedAtMs = receivedAtMs
    }
}
