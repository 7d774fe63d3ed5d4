import Testing

@testable import chorus_bench

/// The `handshakes` schedule and the figures its report derives.
@Suite struct HandshakeMathTests {
    func plan(rate: Double, seconds: Double) throws -> HandshakePlan {
        HandshakePlan(
            endpoint: try LoopbackEndpoint(url: "ws://127.0.0.1:9000"), server: .chorus, room: "r", rate: rate,
            seconds: seconds, concurrency: 10, drainSeconds: 1, serverPID: nil, pool: ConnectionPool.Options(),
            deadlineSeconds: 20)
    }

    @Test func pacedScheduleStartsOneAtOnceThenOnePerInterval() throws {
        let paced = try plan(rate: 1_000, seconds: 10)
        #expect(paced.dueCount(elapsedNanoseconds: 0) == 1)
        #expect(paced.dueCount(elapsedNanoseconds: 999_999) == 1)
        #expect(paced.dueCount(elapsedNanoseconds: 1_000_000) == 2)
        #expect(paced.dueCount(elapsedNanoseconds: 1_500_000_000) == 1_501)
        // Never more than the window holds, however late the loop wakes up.
        #expect(paced.dueCount(elapsedNanoseconds: 60_000_000_000) == 10_000)
    }

    @Test func fractionalRatesKeepTheirAverage() throws {
        let slow = try plan(rate: 2.5, seconds: 4)
        #expect(slow.dueCount(elapsedNanoseconds: 0) == 1)
        #expect(slow.dueCount(elapsedNanoseconds: 399_999_999) == 1)
        #expect(slow.dueCount(elapsedNanoseconds: 400_000_000) == 2)
        #expect(slow.dueCount(elapsedNanoseconds: 10_000_000_000) == 10)
    }

    @Test func planBoundsAreChecked() throws {
        #expect(throws: BenchError.self) { try plan(rate: -1, seconds: 10).validate() }
        #expect(throws: BenchError.self) { try plan(rate: 100, seconds: 0).validate() }
        try plan(rate: 0, seconds: 10).validate()
    }

    @Test func rateAndCPUPerHandshake() {
        #expect(HandshakeReport.rate(completed: 20_000, seconds: 10) == 2_000)
        #expect(HandshakeReport.rate(completed: 5, seconds: 0) == 0)
        // 50 % of a core for 10 s over 20,000 handshakes: 250 µs each.
        let micros = HandshakeReport.cpuMicrosPerHandshake(cpuPercent: 50, seconds: 10, handshakes: 20_000)
        #expect(abs((micros ?? 0) - 250) < 1e-9)
        #expect(HandshakeReport.cpuMicrosPerHandshake(cpuPercent: 50, seconds: 10, handshakes: 0) == nil)
    }
}
