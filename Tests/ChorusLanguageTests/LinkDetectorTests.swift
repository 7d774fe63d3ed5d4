import Testing

@testable import ChorusLanguage

@Suite struct LinkDetectorTests {
    /// Words, addresses and near-misses; each is checked whole and as every suffix, so that the
    /// pre-check meets the bytes each detector keys on at every position.
    static let tokens = [
        "hello", "olá", "привет", "これ見て", "10/10", "+1", "e.g.", "fin.Voilà", "a:b", "x#y", "#tbt", "##",
        "@maria", "@@", "user.name@example.com", "a@b", "https://example.com/p", "ftp://a", "x://y", "wwwx",
        "www.example.org", "google.com", "bit.ly/x", "globo.com.br", "これ見てhttps://example.com/aすごい",
        "(example.com)", "say:https://a.io",
    ]

    @Test(arguments: tokens)
    func aTokenThePreCheckPassesOverIsNoAddressToAnyDetector(_ token: String) {
        let bytes = Array(token.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            for start in 0..<buffer.count {
                let slice = buffer[start...]
                guard !LinkDetector.mayHoldAddress(slice) else { continue }
                let suffix = String(decoding: slice, as: UTF8.self)
                #expect(!LinkDetector.isHandleOrAddress(slice), "\(suffix)")
                #expect(!LinkDetector.isBareDomain(slice), "\(suffix)")
                #expect(LinkDetector.firstLink(in: slice) == nil, "\(suffix)")
            }
        }
    }

    @Test func addressesPassThePreCheckAndPlainWordsDoNot() {
        for address in ["#tbt", "@maria", "a@b", "e.g.", "ftp://a", "www.example.org"] {
            let bytes = Array(address.utf8)
            #expect(bytes.withUnsafeBufferPointer { LinkDetector.mayHoldAddress($0[...]) }, "\(address)")
        }
        for word in ["hello", "olá", "x#y", "10/10", ""] {
            let bytes = Array(word.utf8)
            #expect(!bytes.withUnsafeBufferPointer { LinkDetector.mayHoldAddress($0[...]) }, "\(word)")
        }
    }
}
