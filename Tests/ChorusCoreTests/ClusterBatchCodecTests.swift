import Testing

@testable import ChorusCore

@Suite struct ClusterBatchCodecTests {
    static let author = Author(user: "ana", locale: "pt-BR", region: "BR")

    static func message(_ payload: InteractionPayload, cid: String? = nil, confidence: Double? = nil) -> RoomMessage {
        RoomMessage(
            seq: 0, payload: payload, author: author, clientID: cid, language: "pt", confidence: confidence,
            receivedAtMs: 1_765_000_000_123)
    }

    static let everyKind: [RoomMessage] = [
        message(.chat(text: "quanto custa? 😍 مرحبا"), cid: "c-1", confidence: 0.93),
        message(.like(count: 12)),
        message(.gift(name: "rose", amount: 3), cid: "g"),
        message(.cart(sku: "SKU-9")),
        message(.purchase(sku: "SKU-9", quantity: 2)),
        message(.coupon(code: "LIVE10")),
    ]

    @Test func roundTripsEveryKindNumberedFromTheFirst() throws {
        let bytes = ClusterBatchCodec.encode(node: "node-a", sentAtMs: 42, messages: Self.everyKind)
        let batch = try ClusterBatchCodec.decode(bytes, first: 1_001)
        #expect(batch.node == "node-a")
        #expect(batch.sentAtMs == 42)
        #expect(batch.messages.map(\.seq) == Array(1_001...1_006))
        for (decoded, original) in zip(batch.messages, Self.everyKind) {
            var numbered = original
            numbered.seq = decoded.seq
            #expect(decoded == numbered)
        }
    }

    @Test func anEmptyBatchRoundTrips() throws {
        let bytes = ClusterBatchCodec.encode(node: "", sentAtMs: 0, messages: [])
        let batch = try ClusterBatchCodec.decode(bytes, first: 1)
        #expect(batch.messages.isEmpty)
    }

    @Test func everyTruncationIsRefusedNotCrashed() {
        let bytes = ClusterBatchCodec.encode(node: "node-a", sentAtMs: 42, messages: Self.everyKind)
        for length in 0..<bytes.count {
            #expect(throws: ClusterBatchError.self) { try ClusterBatchCodec.decode(Array(bytes[..<length]), first: 1) }
        }
    }

    @Test func damageIsNamed() {
        let bytes = ClusterBatchCodec.encode(node: "n", sentAtMs: 1, messages: [Self.message(.like(count: 1))])
        var otherVersion = bytes
        otherVersion[0] = 2
        #expect(throws: ClusterBatchError.unknownVersion) { try ClusterBatchCodec.decode(otherVersion, first: 1) }
        #expect(throws: ClusterBatchError.trailingBytes) { try ClusterBatchCodec.decode(bytes + [0], first: 1) }
        var unknownKind = bytes
        unknownKind[5] = 9  // version, node (2), sent-at (1), count (1), then the kind
        #expect(throws: ClusterBatchError.unknownKind) { try ClusterBatchCodec.decode(unknownKind, first: 1) }
        // A count of a million in a few bytes: refused before anything is allocated for it.
        var lying: [UInt8] = [ClusterBatchCodec.version, 0, 0]
        ClusterBatchCodec.appendVarint(1_000_000, to: &lying)
        #expect(throws: ClusterBatchError.truncated) { try ClusterBatchCodec.decode(lying, first: 1) }
        let overlong: [UInt8] = [ClusterBatchCodec.version, 0] + Array(repeating: 0xFF, count: 10) + [0x7F]
        #expect(throws: ClusterBatchError.outOfRange) { try ClusterBatchCodec.decode(overlong, first: 1) }
        let badUTF8: [UInt8] = [ClusterBatchCodec.version, 2, 0xC3, 0x28, 0, 0]
        #expect(throws: ClusterBatchError.invalidUTF8) { try ClusterBatchCodec.decode(badUTF8, first: 1) }
    }
}
