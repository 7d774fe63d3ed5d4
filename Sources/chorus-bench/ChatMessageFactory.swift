/// Builds the chat frames publishers send: chat text (by default ~53 bytes of English-like
/// text; `ChatPhrasebook.mixed` for several languages) plus a `cid`.
///
/// The daemon tags every chat message's language, so the text must look like real chat (a
/// random string would take a different, cheaper path through the language detector). The
/// texts are fixed, cycled, and contain nothing that needs JSON escaping.
struct ChatMessageFactory {
    private static let sentences = [
        "does this jacket come in a larger size for the winter",
        "how long does shipping usually take to the west coast",
        "I love the color of that one, is it still available now",
        "can you show the back of the bag again please, thanks",
        "what is the return policy if the shoes do not fit well",
        "my sister bought this last week and she really loves it",
        "is there a discount code for first time buyers tonight",
        "please tell me the battery lasts more than a whole day",
        "that lamp would look great in my living room right now",
        "will you restock the blue mug before the holidays start",
        "just ordered two of them, cannot wait for them to arrive",
        "how many ounces does the bottle hold, it looks so small",
        "the fabric looks soft, is it cotton or some kind of mix",
        "could you compare the two models side by side for us all",
        "hello from the other side of the country, great stream",
        "does the kit include batteries or do we buy them apart",
    ].map { Array($0.utf8) }

    private static let prefix = Array(#"{"type":"chat","text":""#.utf8)
    private static let cidKey = Array(#"","cid":""#.utf8)
    private static let suffix = Array(#""}"#.utf8)

    let run: UInt16
    private let texts: [[UInt8]]
    private var next = 0

    /// `texts` are cycled in order; the default is the English shopping sentences.
    init(run: UInt16, texts: [[UInt8]] = Self.sentences) {
        self.run = run
        self.texts = texts.isEmpty ? Self.sentences : texts
    }

    /// The frame text `{"type":"chat","text":"…","cid":"…"}` for message `id`.
    mutating func frame(for id: BenchMessageID) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128)
        append(for: id, to: &output)
        return output
    }

    /// Appends the frame text for message `id` to `output` (reuse one buffer on hot paths).
    mutating func append(for id: BenchMessageID, to output: inout [UInt8]) {
        output.append(contentsOf: Self.prefix)
        output.append(contentsOf: texts[next % texts.count])
        next &+= 1
        output.append(contentsOf: Self.cidKey)
        id.append(run: run, to: &output)
        output.append(contentsOf: Self.suffix)
    }
}
