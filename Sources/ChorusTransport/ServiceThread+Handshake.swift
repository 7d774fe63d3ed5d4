import CLibWebSockets
import ChorusCore

extension ServiceThread {
    /// A WebSocket was just accepted: check the request, join the room(s), send the welcome.
    func establish(_ id: ConnectionID) {
        guard let wsi = connections[id]?.wsi else { return }
        let open = relay.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        connections[id]!.counted = true
        if relay.isDraining || draining {
            return requestClose(id, code: CloseCode.goingAway, reason: "server shutting down", why: .shutdown)
        }
        guard open <= relay.config.limits.maxConnections else {
            return requestClose(
                id, code: CloseCode.tryAgainLater, reason: "connection limit reached", why: .connectionLimit)
        }
        guard admitPeer(id) else {
            return requestClose(
                id, code: CloseCode.tooManyFromAddress, reason: "too many connections from your address",
                why: .addressLimit)
        }
        let request = HandshakeRequest(wsi: wsi)
        switch request.path {
        case "/v1/viewer": establishViewer(id, request)
        case "/v1/console": establishConsole(id, request)
        default:
            requestClose(
                id, code: CloseCode.badRequest, reason: "unknown endpoint \(request.path.prefix(64))", why: .badRequest)
        }
    }

    private func establishViewer(_ id: ConnectionID, _ request: HandshakeRequest) {
        guard let room = request.arguments["room"], RoomName.isValid(room) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "missing or invalid room", why: .badRequest)
        }
        let locale = request.arguments["locale"] ?? "und"
        guard LocaleTag.isValid(locale) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "invalid locale", why: .badRequest)
        }
        var region = RegionCode.unknown
        if let declared = request.arguments["region"], !declared.isEmpty {
            guard let normalized = RegionCode.normalized(declared) else {
                return requestClose(id, code: CloseCode.badRequest, reason: "invalid region", why: .badRequest)
            }
            if RegionCode.isAssigned(normalized) {
                region = normalized
            } else {
                statistics.unknownRegions[.unassigned, default: 0] += 1
            }
        } else {
            statistics.unknownRegions[.missing, default: 0] += 1
        }
        let user = request.arguments["user"] ?? "v\(id.raw)"
        guard UserName.isValid(user) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "invalid user", why: .badRequest)
        }
        let author = Author(user: user, locale: locale, region: region)
        guard let languages = ViewerLanguages.parse(request.arguments["langs"], author: author) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "invalid langs", why: .badRequest)
        }
        guard let feed = ViewerFeed.parse(request.arguments["feed"]) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "invalid feed", why: .badRequest)
        }
        guard let since = ResumeRequest.parse(request.arguments["since"], rooms: [room]) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "invalid since", why: .badRequest)
        }
        guard feed == .all || since.isEmpty else {
            return requestClose(id, code: CloseCode.badRequest, reason: "since needs feed=all", why: .badRequest)
        }
        let now = MonotonicClock.nanoseconds()
        let (outcome, resume) = relay.withHub { hub in
            let outcome = hub.join(room: room, role: .viewer, shard: index, mayOpen: false, now: now)
            return (outcome, since[room].map { hub.resume(room: room, after: $0) })
        }
        guard case .joined(let seq) = outcome else {
            return requestClose(id, code: CloseCode.unknownRoom, reason: "unknown room", why: .unknownRoom)
        }
        connections[id]!.role = .viewer
        connections[id]!.author = author
        statistics.viewers += 1
        shard.add(id, role: .viewer)
        shard.join(id, room: room, after: seq)
        shard.setLanguages(id, languages.isEmpty ? nil : Set(languages))
        shard.setFeed(id, feed)
        send(
            ServerFrames.viewerWelcome(
                room: room, seq: resumePoint(resume, since: since[room], live: seq), author: author,
                languages: languages, feed: feed, batch: batchSettings,
                notice: localize(Notice(.welcome, strings: ["room": room]), for: id),
                noticeLocale: relay.noticeLocale(declared: author.locale)),
            to: id)
        replay(resume, room: room, to: id)
    }

    private func establishConsole(_ id: ConnectionID, _ request: HandshakeRequest) {
        guard let tokenText = request.bearerToken ?? request.arguments["token"] else {
            return requestClose(id, code: CloseCode.unauthorized, reason: "console token required", why: .unauthorized)
        }
        let token: ConsoleToken
        do {
            token = try relay.authenticate(token: tokenText)
        } catch {
            return requestClose(id, code: CloseCode.unauthorized, reason: "invalid console token", why: .unauthorized)
        }
        let rooms = (request.arguments["rooms"] ?? "").split(separator: ",").map(String.init)
        guard !rooms.isEmpty, rooms.count <= 256, rooms.allSatisfy({ RoomName.isValid($0) }) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "missing or invalid rooms", why: .badRequest)
        }
        guard rooms.allSatisfy({ token.allows(room: $0) }) else {
            return requestClose(
                id, code: CloseCode.unauthorized, reason: "token does not allow these rooms", why: .unauthorized)
        }
        var languages: [String] = []
        if let filter = request.arguments["langs"], !filter.isEmpty {
            languages = filter.split(separator: ",").map { $0.lowercased() }
            guard languages.allSatisfy({ LanguageCode.isValid($0) }) else {
                return requestClose(id, code: CloseCode.badRequest, reason: "invalid langs", why: .badRequest)
            }
        }
        connections[id]!.role = .console
        consoleLocales[id] = request.arguments["locale"] ?? NoticeCatalog.fallbackTag
        consoleTokens[id] = token
        statistics.consoles += 1
        shard.add(id, role: .console)
        shard.setLanguages(id, languages.isEmpty ? nil : Set(languages))
        guard let since = ResumeRequest.parse(request.arguments["since"], rooms: rooms) else {
            return requestClose(id, code: CloseCode.badRequest, reason: "invalid since", why: .badRequest)
        }
        var joined: [(room: String, seq: UInt64)] = []
        var resumes: [(room: String, Hub.ResumeOutcome?)] = []
        for room in Set(rooms).sorted() {
            let (outcome, resume) = joinConsole(id, room: room, since: since[room])
            if case .joined(let seq) = outcome {
                joined.append((room, resumePoint(resume, since: since[room], live: seq)))
                resumes.append((room, resume))
            }
        }
        send(
            ServerFrames.consoleWelcome(
                rooms: joined, languages: languages.sorted(), batch: batchSettings,
                noticeLocale: relay.noticeLocale(declared: declaredLocale(of: id))),
            to: id)
        for (room, resume) in resumes { replay(resume, room: room, to: id) }
    }

    /// Consoles are authorised by their token, so they may open a room that is not there yet.
    /// With `since`, the join and the resume plan happen in one hub access, so the plan ends
    /// exactly where the live batches start.
    func joinConsole(_ id: ConnectionID, room: String, since: UInt64? = nil) -> (Hub.JoinOutcome, Hub.ResumeOutcome?) {
        let now = MonotonicClock.nanoseconds()
        let (outcome, resume) = relay.withHub { hub in
            let outcome = hub.join(room: room, role: .console, shard: index, mayOpen: true, now: now)
            return (outcome, since.map { hub.resume(room: room, after: $0) })
        }
        if case .joined(let seq) = outcome { shard.join(id, room: room, after: seq) }
        return (outcome, resume)
    }

    /// The `seq` a welcome announces: where the member's stream continues from.
    private func resumePoint(_ resume: Hub.ResumeOutcome?, since: UInt64?, live: UInt64) -> UInt64 {
        if case .resume = resume, let since { return since }
        return live
    }

    /// Queues what a resuming member missed, right after its welcome: the gap notice if
    /// history no longer reaches back to `since`, then the held batches.
    private func replay(_ resume: Hub.ResumeOutcome?, room: String, to id: ConnectionID) {
        switch resume {
        case .resume(let plan):
            if let gap = plan.gap {
                let notice = localize(Notice(.historyGap, integers: ["count": gap.count]), for: id)
                send(ServerFrames.gap(room: room, range: gap, notice: notice), to: id)
            }
            for batch in plan.batches {
                if let action = shard.replay(batch, to: id, encode: Self.encodeBatch, shed: Self.encodeShed) {
                    perform(action)
                }
            }
        case .ahead(let last):
            send(
                ServerFrames.error(
                    .invalidField(
                        name: "since", reason: "is past room '\(room)''s last message \(last); continuing live")),
                to: id)
        case .unknownRoom, nil:
            break
        }
    }

    var batchSettings: ServerFrames.BatchSettings {
        .init(
            maxMessages: relay.config.batch.maxMessages, maxDelayMilliseconds: relay.config.batch.maxDelayMs,
            leadingEdge: relay.config.batch.leadingEdge)
    }
}
