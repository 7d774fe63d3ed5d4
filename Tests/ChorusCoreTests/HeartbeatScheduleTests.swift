import Testing

@testable import ChorusCore

@Suite struct HeartbeatScheduleTests {
    static let second: UInt64 = 1_000_000_000
    let interval = 30 * Self.second

    /// Visits every due connection the way a service thread does, with its standings.
    func visitDue(
        _ schedule: inout HeartbeatSchedule, _ standings: inout [ConnectionID: HeartbeatStanding], now: UInt64
    ) -> [ConnectionID: HeartbeatSchedule.Action] {
        var actions: [ConnectionID: HeartbeatSchedule.Action] = [:]
        for id in schedule.takeDue(now: now) {
            guard standings[id] != nil else { continue }
            actions[id] = schedule.visit(id, standing: &standings[id]!, now: now)
        }
        return actions
    }

    @Test func aConnectionIsPingedOnceAnIntervalAndClosedWhenThePongIsOverdue() {
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval)
        let id = ConnectionID(1)
        var standings: [ConnectionID: HeartbeatStanding] = [id: .heard]
        schedule.add(id, now: 0)
        #expect(visitDue(&schedule, &standings, now: interval - 1).isEmpty)
        #expect(visitDue(&schedule, &standings, now: interval) == [id: .ping])
        #expect(standings[id] == .pinged)
        #expect(visitDue(&schedule, &standings, now: 2 * interval - 1).isEmpty)
        #expect(visitDue(&schedule, &standings, now: 2 * interval) == [id: .close])
        // Closed: not queued again.
        #expect(schedule.count == 0)
    }

    @Test func aPongOrAnyFrameKeepsTheConnectionAndItIsPingedEveryInterval() {
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval)
        let id = ConnectionID(7)
        var standings: [ConnectionID: HeartbeatStanding] = [id: .heard]
        schedule.add(id, now: 0)
        #expect(visitDue(&schedule, &standings, now: interval) == [id: .ping])
        standings[id] = .heard  // the pong
        #expect(visitDue(&schedule, &standings, now: 2 * interval) == [id: .ping])
        standings[id] = .heard  // a chat message instead of the pong
        #expect(visitDue(&schedule, &standings, now: 3 * interval) == [id: .ping])
        #expect(schedule.count == 1)
    }

    @Test func closedConnectionsAreForgottenWhenTheirTurnComes() {
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval)
        var standings: [ConnectionID: HeartbeatStanding] = [:]
        for raw in 1...10 as ClosedRange<UInt64> {
            schedule.add(ConnectionID(raw), now: raw)
            standings[ConnectionID(raw)] = .heard
        }
        for raw in 1...5 as ClosedRange<UInt64> { standings[ConnectionID(raw)] = nil }
        let actions = visitDue(&schedule, &standings, now: interval + 10)
        #expect(Set(actions.keys) == Set((6...10).map { ConnectionID($0) }))
        #expect(schedule.count == 5)
    }

    /// Each tick takes only the connections whose time has come, at most a slice of them, in
    /// the order they were added: a round never walks every connection at once.
    @Test func eachTickTakesOnlyASliceInDueOrder() {
        let tick: UInt64 = 10_000_000
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval, maxVisitsPerTick: 100)
        // 20,000 connections arriving over 10 s.
        for raw in 0..<20_000 as Range<UInt64> {
            schedule.add(ConnectionID(raw), now: raw * 500_000)
        }
        var taken: [UInt64] = []
        var largestSlice = 0
        var now = interval
        while now <= interval + 12 * Self.second {
            let due = schedule.takeDue(now: now)
            largestSlice = max(largestSlice, due.count)
            for id in due {
                #expect(interval + id.raw * 500_000 <= now, "taken before it was due")
                taken.append(id.raw)
            }
            now += tick
        }
        #expect(taken == Array(0..<20_000))
        // 2,000 a second arrive, 20 per 10 ms tick: the cap is never needed in steady state.
        #expect(largestSlice <= 21)
    }

    @Test func aBurstIsSpreadOverTicksByTheCap() {
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval, maxVisitsPerTick: 256)
        for raw in 0..<1000 as Range<UInt64> { schedule.add(ConnectionID(raw), now: 0) }
        #expect(schedule.takeDue(now: interval).count == 256)
        #expect(schedule.takeDue(now: interval + 1).count == 256)
        #expect(schedule.takeDue(now: interval + 2).count == 256)
        #expect(schedule.takeDue(now: interval + 3).count == 232)
        #expect(schedule.takeDue(now: interval + 4).isEmpty)
    }

    @Test func aRequeuedConnectionComesBackOneIntervalAfterItsVisit() {
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval, maxVisitsPerTick: 1)
        var standings: [ConnectionID: HeartbeatStanding] = [ConnectionID(1): .heard, ConnectionID(2): .heard]
        schedule.add(ConnectionID(1), now: 0)
        schedule.add(ConnectionID(2), now: 0)
        // The cap delays the second visit by a tick; its next visit counts from then.
        #expect(visitDue(&schedule, &standings, now: interval) == [ConnectionID(1): .ping])
        #expect(visitDue(&schedule, &standings, now: interval + 5) == [ConnectionID(2): .ping])
        #expect(visitDue(&schedule, &standings, now: 2 * interval) == [ConnectionID(1): .close])
        #expect(visitDue(&schedule, &standings, now: 2 * interval + 4).isEmpty)
        #expect(visitDue(&schedule, &standings, now: 2 * interval + 5) == [ConnectionID(2): .close])
    }

    /// Re-queued connections wrap around the ring (and it grows while they do) without losing
    /// one or changing their order.
    @Test func roundsWrapTheRingInOrder() {
        var schedule = HeartbeatSchedule(intervalNanoseconds: interval, maxVisitsPerTick: 1000)
        var standings: [ConnectionID: HeartbeatStanding] = [:]
        for raw in 0..<100 as Range<UInt64> {
            schedule.add(ConnectionID(raw), now: raw)
            standings[ConnectionID(raw)] = .heard
        }
        var previous: [UInt64] = Array(0..<100)
        var joined: [UInt64] = []
        for round in 1...5 as ClosedRange<UInt64> {
            var visited: [UInt64] = []
            for id in schedule.takeDue(now: round * interval + 99) {
                #expect(schedule.visit(id, standing: &standings[id]!, now: round * interval + 99) == .ping)
                standings[id] = .heard
                visited.append(id.raw)
            }
            // The same order every round, those that joined last round behind them.
            #expect(visited == previous + joined, "round \(round)")
            previous = visited
            // New connections join while the old ones wrap.
            joined = Array((1000 * round)..<(1000 * round + 30))
            for raw in joined {
                schedule.add(ConnectionID(raw), now: round * interval + 99)
                standings[ConnectionID(raw)] = .heard
            }
            #expect(schedule.count == 100 + 30 * Int(round))
        }
    }
}
