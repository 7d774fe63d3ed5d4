import Testing

@testable import ChorusCore

@Suite struct ShardTests {
    let author = Author(user: "u", locale: "en-US", region: "US")

    func batch(_ range: ClosedRange<UInt64>, languages: [String]) -> RoomBatch {
        let messages = zip(range, languages).map { seq, language in
            RoomMessage(
                seq: seq, payload: .chat(text: "m\(seq)"), author: author, clientID: nil, language: language,
                confidence: 0.9, receivedAtMs: 0)
        }
        return RoomBatch(
            room: "r", range: range, messages: messages,
            frame: BatchEncoder.encode(room: "r", range: range, messages: messages))
    }

    func encode(_ batch: RoomBatch, _ languages: Set<String>?) -> TestFrame {
        TestFrame(name: languages.map { $0.sorted().joined(separator: ",") } ?? "all", byteCount: 100)
    }

    @Test func deliversOnlyBatchesAfterTheMembersWelcomeSequence() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        let early = ConnectionID(1)
        let late = ConnectionID(2)
        shard.add(early, role: .viewer)
        shard.join(early, room: "r", after: 0)
        shard.add(late, role: .viewer)
        shard.join(late, room: "r", after: 3)
        let actions = shard.deliver(batch(1...3, languages: ["en", "es", "pt"]), encode: encode)
        #expect(actions.count == 1)
        #expect(shard.nextWrite(for: late) == nil)
        #expect(shard.nextWrite(for: early) != nil)
        #expect(shard.statistics.deliveredMessages == 3)
    }

    @Test func sendOnlyViewersGetNoBatchesButStillTheirRoomsNotices() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        let reader = ConnectionID(1)
        let sender = ConnectionID(2)
        for id in [reader, sender] {
            shard.add(id, role: .viewer)
            shard.join(id, room: "r", after: 0)
        }
        shard.setFeed(sender, .none)
        let actions = shard.deliver(batch(1...2, languages: ["en", "es"]), encode: encode)
        #expect(actions.count == 1)
        #expect(shard.nextWrite(for: sender) == nil)
        #expect(shard.nextWrite(for: reader) != nil)
        #expect(shard.statistics.deliveredMessages == 2)
        let notice = TestFrame(name: "notice", byteCount: 10)
        #expect(shard.send(notice, toRoom: "r").count == 2)
        #expect(shard.nextWrite(for: sender) != nil)
        shard.setFeed(sender, .all)
        _ = shard.deliver(batch(3...3, languages: ["pt"]), encode: encode)
        #expect(shard.nextWrite(for: sender) != nil)
        #expect(ViewerFeed.parse(nil) == .all && ViewerFeed.parse("none") == ViewerFeed.none)
        #expect(ViewerFeed.parse("off") == nil && ViewerFeed.parse("") == nil)
    }

    @Test func encodesOncePerDistinctFilter() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        var encodings: [String] = []
        for raw in 1...4 {
            let id = ConnectionID(UInt64(raw))
            shard.add(id, role: raw <= 2 ? .viewer : .console)
            shard.join(id, room: "r", after: 0)
            if raw > 2 { shard.setLanguages(id, ["es"]) }
        }
        _ = shard.deliver(batch(1...2, languages: ["en", "es"])) { batch, languages in
            let frame = encode(batch, languages)
            encodings.append(frame.name)
            return frame
        }
        #expect(encodings.sorted() == ["all", "es"])
    }

    @Test func aRoomsOwnFilterWinsOverTheEveryRoomOne() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        let id = ConnectionID(5)
        shard.add(id, role: .console)
        shard.join(id, room: "r", after: 0)
        shard.join(id, room: "s", after: 0)
        shard.setLanguages(id, ["pt"])
        shard.setLanguages(id, ["es"], room: "r")
        #expect(shard.languages(of: id, room: "r") == ["es"])
        #expect(shard.languages(of: id, room: "s") == ["pt"])
        shard.setLanguages(id, nil, room: "r")
        #expect(shard.languages(of: id, room: "r") == ["pt"])
        shard.setLanguages(id, ["en"], room: "s")
        shard.leave(id, room: "s")
        shard.join(id, room: "s", after: 0)
        #expect(shard.languages(of: id, room: "s") == ["pt"], "a room's filter is forgotten when the member leaves")
    }

    @Test func asksForOneWritableUntilTheQueueEmpties() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        let id = ConnectionID(7)
        shard.add(id, role: .viewer)
        shard.join(id, room: "r", after: 0)
        #expect(shard.deliver(batch(1...1, languages: ["en"]), encode: encode).count == 1)
        #expect(shard.deliver(batch(2...2, languages: ["en"]), encode: encode).isEmpty)
        #expect(shard.nextWrite(for: id)?.more == true)
        #expect(shard.nextWrite(for: id)?.more == false)
        #expect(shard.deliver(batch(3...3, languages: ["en"]), encode: encode).count == 1)
    }

    @Test func aConsoleOverBudgetIsClosedWith4001() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 150))
        let id = ConnectionID(9)
        shard.add(id, role: .console)
        shard.join(id, room: "r", after: 0)
        _ = shard.deliver(batch(1...1, languages: ["en"]), encode: encode)
        let actions = shard.deliver(batch(2...2, languages: ["en"]), encode: encode)
        guard case .close(let closed, let code, _) = actions.first else {
            Issue.record("expected a close")
            return
        }
        #expect(closed == id)
        #expect(code == 4001)
        #expect(shard.statistics.slowConsolesClosed == 1)
        #expect(shard.deliver(batch(3...3, languages: ["en"]), encode: encode).isEmpty)
    }

    @Test func removeReportsRoomsForTheHub() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        let id = ConnectionID(3)
        shard.add(id, role: .console)
        shard.join(id, room: "a", after: 0)
        shard.join(id, room: "b", after: 0)
        let removed = shard.remove(id)
        #expect(removed?.role == .console)
        #expect(Set(removed?.rooms ?? []) == ["a", "b"])
        #expect(shard.connectionCount == 0)
    }

    /// Frames named by their range, 100 bytes each.
    func rangeFrame(_ batch: RoomBatch, _ languages: Set<String>?) -> TestFrame {
        TestFrame(name: "\(batch.range.lowerBound)-\(batch.range.upperBound)", byteCount: 100)
    }

    func written(_ shard: inout Shard<TestFrame>, _ id: ConnectionID) -> [String] {
        var names: [String] = []
        while let (item, _) = shard.nextWrite(for: id) {
            if case .frame(let frame) = item { names.append(frame.name) }
        }
        return names
    }

    @Test func aConsoleReplayLargerThanItsBudgetIsFedAsTheQueueDrains() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 1000, consoleBytes: 400))
        let console = ConnectionID(7)
        shard.add(console, role: .console)
        shard.join(console, room: "r", after: 20)
        // 10 history batches of 100 bytes: 1,000 bytes against a 400-byte budget.
        var actions: [Shard<TestFrame>.Action] = []
        for start in stride(from: 1, through: 19, by: 2) {
            if let action = shard.replay(
                batch(UInt64(start)...UInt64(start + 1), languages: ["en", "en"]), to: console, encode: rangeFrame)
            {
                actions.append(action)
            }
        }
        #expect(actions.count == 1)  // one writable request, no close
        // A live batch arriving meanwhile waits behind the replay.
        let live = shard.deliver(batch(21...22, languages: ["en", "en"]), encode: rangeFrame)
        #expect(live.isEmpty)
        #expect(shard.statistics.queuedBytes <= 200)
        let names = written(&shard, console)
        #expect(names == stride(from: 1, through: 21, by: 2).map { "\($0)-\($0 + 1)" })
        #expect(shard.statistics.slowConsolesClosed == 0)
    }

    @Test func aConsoleThatReadsNothingDuringItsReplayIsClosedOnceLiveBatchesPassItsBudget() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 1000, consoleBytes: 400))
        let console = ConnectionID(8)
        shard.add(console, role: .console)
        shard.join(console, room: "r", after: 20)
        for start in stride(from: 1, through: 19, by: 2) {
            _ = shard.replay(
                batch(UInt64(start)...UInt64(start + 1), languages: ["en", "en"]), to: console, encode: rangeFrame)
        }
        var closed = false
        for start in stride(from: 21, through: 41, by: 2) {
            for action in shard.deliver(
                batch(UInt64(start)...UInt64(start + 1), languages: ["en", "en"]), encode: rangeFrame)
            {
                if case .close(_, let code, _) = action { closed = code == 4001 }
            }
        }
        #expect(closed)
        #expect(shard.statistics.slowConsolesClosed == 1)
    }
}

@Suite struct MemberRoomsTests {
    @Test func firstRoomInlineOthersInADictionary() {
        var rooms = MemberRooms()
        rooms.set("a", after: 1)
        rooms.set("b", after: 2)
        rooms.set("a", after: 3)
        #expect(rooms["a"] == 3)
        #expect(rooms["b"] == 2)
        #expect(rooms["c"] == nil)
        let removedA = rooms.remove("a")
        #expect(removedA)
        #expect(rooms["a"] == nil)
        #expect(rooms["b"] == 2)
        let removedAAgain = rooms.remove("a")
        #expect(!removedAAgain)
        #expect(rooms.names == ["b"])
        let removedB = rooms.remove("b")
        #expect(removedB)
        #expect(rooms.names.isEmpty)
    }

    @Test func statsFramesGoToConsolesOnly() {
        var shard = Shard<TestFrame>(budgets: .init(viewerBytes: 10_000, consoleBytes: 10_000))
        let viewer = ConnectionID(1)
        let console = ConnectionID(2)
        shard.add(viewer, role: .viewer)
        shard.join(viewer, room: "r", after: 0)
        shard.add(console, role: .console)
        shard.join(console, room: "r", after: 0)
        shard.join(console, room: "s", after: 0)
        #expect(shard.roomsWithConsoles() == ["r", "s"])
        let actions = shard.sendToConsoles(TestFrame(name: "stats", byteCount: 10), room: "r")
        #expect(actions.count == 1)
        #expect(shard.nextWrite(for: viewer) == nil)
        guard case .frame(let frame)? = shard.nextWrite(for: console)?.item else {
            Issue.record("the console got no frame")
            return
        }
        #expect(frame.name == "stats")
        _ = shard.remove(console)
        #expect(shard.roomsWithConsoles().isEmpty)
    }
}
