import Testing

@testable import ChorusCore

@Suite struct CodecTests {
    let decoder = ClientFrameDecoder(maxChatCharacters: 10)

    func decode(_ text: String, role: Role = .viewer) throws(ProtocolError) -> ClientFrame {
        try decoder.decode(Array(text.utf8), role: role)
    }

    @Test func parsesEveryInteractionType() throws {
        #expect(
            try decode(#"{"type":"chat","text":"olá","cid":"c1"}"#) == .interaction(.chat(text: "olá"), clientID: "c1"))
        #expect(try decode(#"{"type":"like"}"#) == .interaction(.like(count: 1), clientID: nil))
        #expect(
            try decode(#"{"type":"like","ack":true,"cid":"x"}"#)
                == .interaction(.like(count: 1), clientID: "x", acknowledge: true))
        #expect(try decode(#"{"type":"like","ack":false}"#) == .interaction(.like(count: 1), clientID: nil))
        #expect(try decode(#"{"type":"like","count":2,"count":3}"#) == .interaction(.like(count: 3), clientID: nil))
        #expect(try decode(#"{"type":"like","count":5}"#) == .interaction(.like(count: 5), clientID: nil))
        #expect(
            try decode(#"{"type":"gift","gift":"rose"}"#) == .interaction(.gift(name: "rose", amount: 1), clientID: nil)
        )
        #expect(try decode(#"{"type":"cart","sku":"A-1"}"#) == .interaction(.cart(sku: "A-1"), clientID: nil))
        #expect(
            try decode(#"{"type":"purchase","sku":"A-1","qty":2}"#)
                == .interaction(.purchase(sku: "A-1", quantity: 2), clientID: nil))
        #expect(try decode(#"{"type":"coupon","code":"SAVE"}"#) == .interaction(.coupon(code: "SAVE"), clientID: nil))
    }

    @Test func reportsTheRightErrorCode() {
        #expect(throws: ProtocolError.self) { try decode("{nope") }
        #expect(errorCode { () throws(ProtocolError) -> ClientFrame in try decode("[1,2]") } == "invalid_json")
        #expect(errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"text":"x"}"#) } == "unknown_type")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"dance"}"#) } == "unknown_type")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"chat"}"#) } == "invalid_field")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"chat","text":"   "}"#) }
                == "invalid_field")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"chat","text":"01234567890"}"#)
            } == "invalid_field")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"like","count":1000}"#) }
                == "invalid_field")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"like","ack":1}"#) }
                == "invalid_field")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in
                try decode(#"{"type":"purchase","sku":"A","qty":1.5}"#)
            } == "invalid_field")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in
                try decode(#"{"type":"chat","text":"hi"}"#, role: .console)
            } == "unknown_type")
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in
                try decode(#"{"type":"subscribe","rooms":["bad room"]}"#, role: .console)
            } == "invalid_field")
    }

    @Test(arguments: [" \\t ", "\\u00a0\\u3000", "\\u2003\\n", "\\u0085 \\u2028"])
    func blankChatIsRefused(text: String) {
        #expect(
            errorCode { () throws(ProtocolError) -> ClientFrame in try decode(#"{"type":"chat","text":"\#(text)"}"#) }
                == "invalid_field")
    }

    @Test(arguments: [" a ", "\\u3000好", "\\u00a0é", "\\t~", "👍"])
    func chatWithAnythingVisibleIsAccepted(text: String) throws {
        guard case .interaction(.chat, _, _, _) = try decode(#"{"type":"chat","text":"\#(text)"}"#) else {
            Issue.record("\(text) was not a chat message")
            return
        }
    }

    @Test func consoleCommands() throws {
        #expect(
            try decode(#"{"type":"subscribe","rooms":["a","b"]}"#, role: .console) == .subscribe(rooms: ["a", "b"]))
        #expect(
            try decode(#"{"type":"filter","langs":["ES","pt"]}"#, role: .console) == .filter(languages: ["es", "pt"]))
        #expect(try decode(#"{"type":"filter","langs":[]}"#, role: .console) == .filter(languages: []))
        #expect(
            try decode(#"{"type":"filter","room":"show-1","langs":["es"]}"#, role: .console)
                == .filter(languages: ["es"], room: "show-1"))
        #expect(try decode(#"{"type":"filter","langs":["es"]}"#, role: .viewer) == .filter(languages: ["es"]))
    }

    @Test func jsonParserHandlesEscapesAndRejectsHostileInput() throws {
        let value = try JSONParser.parse(Array(#"{"a":"\u00e9\ud83d\udc4d\n","b":[true,false,null,-1.5e2]}"#.utf8))
        #expect(value["a"]?.stringValue == "é👍\n")
        #expect(value["b"] == .array([.bool(true), .bool(false), .null, .number(-150)]))
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(deep.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(#"{"a":"\ud800"}"#.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(#"{"a":01}"#.utf8)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("{\"a\":\"x\u{01}\"}".utf8)) }
    }

    @Test func writerRoundTripsThroughTheParser() throws {
        let text = "quote\" back\\slash\n tab\t \u{01} émoji 👍 مرحبا"
        var json = JSONWriter()
        json.raw("{")
        json.key("t")
        json.string(text)
        json.raw(",")
        json.key("n")
        json.integer(-12_345_678_901)
        json.raw(",")
        json.key("c")
        json.fraction(0.456)
        json.raw("}")
        let parsed = try JSONParser.parse(json.bytes)
        #expect(parsed["t"]?.stringValue == text)
        #expect(parsed["n"]?.integerValue == -12_345_678_901)
        #expect(parsed["c"] == .number(0.46))
    }

    @Test func writerPrintsIntegersToTheirLastDigit() {
        var json = JSONWriter()
        json.integer(Int64.min)
        json.raw(" ")
        json.integer(UInt64.max)
        json.raw(" ")
        json.integer(0)
        json.raw(" ")
        json.integer(-7)
        json.raw(" ")
        json.integer(1_763_800_000_123 as Int64)
        json.raw(" ")
        json.fraction(1)
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == "-9223372036854775808 18446744073709551615 0 -7 1763800000123 1.00")
    }

    @Test func writerEscapesEveryByteThatNeedsItWhereverItFalls() {
        /// One byte at a time, as the writer did before it checked eight at once.
        func reference(_ text: String) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "\"")]
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
                case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
                case 0x0A: out += Array(#"\n"#.utf8)
                case 0x0D: out += Array(#"\r"#.utf8)
                case 0x09: out += Array(#"\t"#.utf8)
                case 0..<0x20: out += Array("\\u00".utf8) + Array(String(byte, radix: 16).leftPadded(to: 2).utf8)
                default: out.append(byte)
                }
            }
            return out + [UInt8(ascii: "\"")]
        }
        // Bytes either side of each boundary: 0x1F/0x20, 0x21/0x22/0x23, 0x5B/0x5C/0x5D, and
        // UTF-8 continuation and lead bytes, which have the high bit set.
        let specials = ["\u{00}", "\u{1F}", " ", "!", "\"", "#", "[", "\\", "]", "\n", "\t", "é", "👍", "\u{7F}"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 24] {
            let filler = String(repeating: "a", count: length)
            for special in specials {
                for offset in 0...length {
                    let text = String(filler.prefix(offset)) + special + String(filler.dropFirst(offset))
                    var json = JSONWriter()
                    json.string(text)
                    #expect(json.bytes == reference(text), "\(Array(text.utf8))")
                }
            }
        }
    }

    @Test func batchFrameCarriesRangeAndFilteredCount() throws {
        let author = Author(user: "u", locale: "es-MX", region: "MX")
        let messages = [
            RoomMessage(
                seq: 4, payload: .chat(text: "hola"), author: author, clientID: "c", language: "es", confidence: 0.9,
                receivedAtMs: 5),
            RoomMessage(
                seq: 5, payload: .chat(text: "hi"), author: author, clientID: nil, language: "en", confidence: 0.8,
                receivedAtMs: 6),
            RoomMessage(
                seq: 6, payload: .purchase(sku: "S", quantity: 1), author: author, clientID: nil, language: "es",
                confidence: nil, receivedAtMs: 7),
        ]
        let all = try JSONParser.parse(BatchEncoder.encode(room: "r", range: 4...6, messages: messages))
        guard case .array(let items) = all["messages"] else { throw ProtocolError.invalidJSON("no messages") }
        #expect(items.count == 3)
        #expect(items[0]["cid"]?.stringValue == "c")
        #expect(items[2]["qty"]?.integerValue == 1)
        #expect(all["filtered"] == nil)
        let english = try JSONParser.parse(
            BatchEncoder.encode(room: "r", range: 4...6, messages: messages, languages: ["en"]))
        guard case .array(let kept) = english["messages"] else { throw ProtocolError.invalidJSON("no messages") }
        #expect(kept.map { $0["seq"]?.integerValue } == [5, 6])
        #expect(english["filtered"]?.integerValue == 1)
        #expect(english["from"]?.integerValue == 4)
        #expect(english["to"]?.integerValue == 6)
    }

    @Test func batchFrameBytesAreExact() {
        let author = Author(user: "a\"b", locale: "pt-BR", region: "BR")
        let messages = [
            RoomMessage(
                seq: 41, payload: .chat(text: "olá\n"), author: author, clientID: "c1", language: "pt",
                confidence: 0.974, receivedAtMs: 1_732_200_000_123),
            RoomMessage(
                seq: 42, payload: .gift(name: "rose", amount: 250), author: author, clientID: nil, language: "pt",
                confidence: nil, receivedAtMs: 0),
            RoomMessage(
                seq: 43, payload: .like(count: 7), author: author, clientID: nil, language: "und", confidence: nil,
                receivedAtMs: 9),
        ]
        let text = String(decoding: BatchEncoder.encode(room: "r", range: 41...43, messages: messages), as: UTF8.self)
        let expected =
            #"{"type":"batch","room":"r","from":41,"to":43,"messages":["#
            + #"{"seq":41,"type":"chat","user":"a\"b","locale":"pt-BR","region":"BR","ts":1732200000123,"cid":"c1","#
            + #""text":"olá\n","lang":"pt","conf":0.97},"#
            + #"{"seq":42,"type":"gift","user":"a\"b","locale":"pt-BR","region":"BR","ts":0,"gift":"rose","#
            + #""amount":250,"lang":"pt"},"#
            + #"{"seq":43,"type":"like","user":"a\"b","locale":"pt-BR","region":"BR","ts":9,"count":7,"lang":"und"}]}"#
        #expect(text == expected)
    }

    func errorCode(_ body: () throws(ProtocolError) -> ClientFrame) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.code
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
