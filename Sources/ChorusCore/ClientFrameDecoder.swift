/// Turns a text frame into a `ClientFrame`, enforcing the protocol's field rules.
public struct ClientFrameDecoder: Sendable {
    public var chatRules: ChatTextRules
    public var maxChatCharacters: Int { chatRules.maxCharacters }
    /// Longest slow mode a console may set: one chat message an hour is already a closed chat.
    public static let maxSlowModeSeconds: Int64 = 3600

    /// `maxChatCharacters` with the other chat limits at their defaults.
    public init(maxChatCharacters: Int) {
        var limits = ChorusConfig.Limits()
        limits.maxChatChars = maxChatCharacters
        self.init(chatRules: ChatTextRules(limits))
    }

    public init(chatRules: ChatTextRules) {
        self.chatRules = chatRules
    }

    public func decode(_ bytes: UnsafeBufferPointer<UInt8>, role: Role) throws(ProtocolError) -> ClientFrame {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .invalidJSON("\(error.reason) at byte \(error.offset)")
        }
        guard case .object = value else { throw .invalidJSON("top level is not an object") }
        guard let type = value["type"]?.stringValue else { throw .unknownType("(missing)") }
        switch role {
        case .viewer: return try decodeViewer(type: type, value)
        case .console: return try decodeConsole(type: type, value)
        }
    }

    public func decode(_ bytes: [UInt8], role: Role) throws(ProtocolError) -> ClientFrame {
        let result: Result<ClientFrame, ProtocolError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ProtocolError) -> ClientFrame in try decode(buffer, role: role) }
        }
        return try result.get()
    }

    private func decodeViewer(type: String, _ value: JSONValue) throws(ProtocolError) -> ClientFrame {
        if type == "filter" { return .filter(languages: try languageList(value)) }
        let clientID = try optionalText(value, "cid", maxLength: 64)
        let idempotencyKey = try optionalText(value, "idempotencyKey", maxLength: 64)
        let acknowledge: Bool
        switch value["ack"] {
        case nil, .null, .bool(false): acknowledge = false
        case .bool(true): acknowledge = true
        default: throw .invalidField(name: "ack", reason: "must be true or false")
        }
        let payload: InteractionPayload
        switch type {
        case "chat":
            payload = .chat(text: try chatRules.check(try requiredText(value, "text", maxLength: .max)))
        case "like":
            payload = .like(count: try optionalInteger(value, "count", in: 1...100) ?? 1)
        case "gift":
            payload = .gift(
                name: try requiredText(value, "gift", maxLength: 64),
                amount: try optionalInteger(value, "amount", in: 1...1_000_000) ?? 1)
        case "cart":
            payload = .cart(sku: try requiredText(value, "sku", maxLength: 64))
        case "purchase":
            payload = .purchase(
                sku: try requiredText(value, "sku", maxLength: 64),
                quantity: try optionalInteger(value, "qty", in: 1...10_000) ?? 1)
        case "coupon":
            payload = .coupon(code: try requiredText(value, "code", maxLength: 64))
        default:
            throw .unknownType(type)
        }
        return .interaction(payload, clientID: clientID, acknowledge: acknowledge, idempotencyKey: idempotencyKey)
    }

    private func decodeConsole(type: String, _ value: JSONValue) throws(ProtocolError) -> ClientFrame {
        switch type {
        case "subscribe": return .subscribe(rooms: try roomList(value))
        case "unsubscribe": return .unsubscribe(rooms: try roomList(value))
        case "filter":
            var room: String?
            if let field = value["room"], field != .null {
                guard let name = field.stringValue, RoomName.isValid(name) else {
                    throw .invalidField(name: "room", reason: "must be a room name")
                }
                room = name
            }
            return .filter(languages: try languageList(value), room: room)
        case "slowmode":
            guard let room = value["room"]?.stringValue, RoomName.isValid(room) else {
                throw .invalidField(name: "room", reason: "must be a room name")
            }
            guard let seconds = try optionalInteger(value, "seconds", in: 0...Self.maxSlowModeSeconds) else {
                throw .invalidField(name: "seconds", reason: "is required")
            }
            return .slowMode(room: room, seconds: seconds)
        default:
            throw .unknownType(type)
        }
    }

    /// `langs`: language codes, lowercased; missing or `[]` means every language.
    private func languageList(_ value: JSONValue) throws(ProtocolError) -> [String] {
        guard case .array(let items) = value["langs"] ?? .array([]), items.count <= 64 else {
            throw .invalidField(name: "langs", reason: "must be an array of language codes")
        }
        var languages: [String] = []
        for item in items {
            guard let code = item.stringValue, LanguageCode.isValid(code) else {
                throw .invalidField(name: "langs", reason: "must be an array of language codes")
            }
            languages.append(code.lowercased())
        }
        return languages
    }

    private func roomList(_ value: JSONValue) throws(ProtocolError) -> [String] {
        guard case .array(let items) = value["rooms"], !items.isEmpty, items.count <= 256 else {
            throw .invalidField(name: "rooms", reason: "must be a non-empty array of room names")
        }
        var rooms: [String] = []
        for item in items {
            guard let room = item.stringValue, RoomName.isValid(room) else {
                throw .invalidField(name: "rooms", reason: "holds an invalid room name")
            }
            rooms.append(room)
        }
        return rooms
    }

    private func requiredText(_ value: JSONValue, _ name: String, maxLength: Int) throws(ProtocolError) -> String {
        guard let text = try optionalText(value, name, maxLength: maxLength) else {
            throw .invalidField(name: name, reason: "is required")
        }
        return text
    }

    private func optionalText(_ value: JSONValue, _ name: String, maxLength: Int) throws(ProtocolError) -> String? {
        guard let field = value[name], field != .null else { return nil }
        guard let text = field.stringValue else { throw .invalidField(name: name, reason: "must be a string") }
        guard !text.isEmpty else { throw .invalidField(name: name, reason: "is empty") }
        // Counting characters is costly; bytes bound it first.
        if text.utf8.count > maxLength, text.count > maxLength {
            throw .invalidField(name: name, reason: "is longer than \(maxLength) characters")
        }
        return text
    }

    private func optionalInteger(_ value: JSONValue, _ name: String, in range: ClosedRange<Int64>) throws(ProtocolError)
        -> Int?
    {
        guard let field = value[name], field != .null else { return nil }
        guard let number = field.integerValue, range.contains(number) else {
            throw .invalidField(name: name, reason: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(number)
    }
}
