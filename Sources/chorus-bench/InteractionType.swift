/// The interactions a viewer sends (docs/protocol.md), named as the daemon's stats name them.
enum InteractionType: Int, CaseIterable {
    case chat
    case like
    case gift
    case cart
    case purchase
    case coupon

    var name: String {
        switch self {
        case .chat: "chat"
        case .like: "like"
        case .gift: "gift"
        case .cart: "cart"
        case .purchase: "purchase"
        case .coupon: "coupon"
        }
    }

    /// A live-shopping stream's mix, per 20 interactions: 40 % likes, 15 % gifts, 15 % cart adds,
    /// 10 % purchases, 10 % coupons, 10 % chat.
    private static let weights: [(InteractionType, Int)] = [
        (.like, 8), (.gift, 3), (.cart, 3), (.purchase, 2), (.coupon, 2), (.chat, 2),
    ]

    /// One cycle of the mix, spread by smooth weighted round robin so that any short run (one
    /// batch) holds every type roughly in proportion instead of eight likes in a row.
    private static let cycle: [InteractionType] = {
        let total = weights.reduce(0) { $0 + $1.1 }
        var credit = Array(repeating: 0, count: weights.count)
        var cycle: [InteractionType] = []
        for _ in 0..<total {
            for index in weights.indices { credit[index] += weights[index].1 }
            let pick = credit.indices.max { credit[$0] < credit[$1] }!
            credit[pick] -= total
            cycle.append(weights[pick].0)
        }
        return cycle
    }()

    /// The type of interaction `counter` of `publisher`. A pure function of the two, so the bench
    /// never stores what it sent: an ack's `cid` names publisher and counter, and that is enough.
    /// Publishers start at different points of the cycle so a room's types do not move in step.
    static func of(publisher: Int, counter: Int) -> InteractionType {
        cycle[(publisher &+ counter) % cycle.count]
    }
}
