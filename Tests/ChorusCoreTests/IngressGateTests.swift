import Testing

@testable import ChorusCore

@Suite struct IngressGateTests {
    @Test func pausesAboveTheHighWatermarkAndResumesAtTheLowOne() {
        var gate = IngressGate(highWatermark: 100)
        let pauses = [100, 101, 150].map { gate.shouldPause(pending: $0) }
        #expect(pauses == [false, true, true])
        #expect(gate.pausedCount == 2)
        // Between the watermarks: stay paused (no flapping).
        let resumes = [80, 51, 50, 0].map { gate.shouldResumeAll(pending: $0) }
        #expect(resumes == [false, false, true, false])
        #expect(gate.pausedCount == 0)
        #expect(gate.pauses == 2)
    }

    @Test func zeroTurnsTheGateOff() {
        var gate = IngressGate(highWatermark: 0)
        let paused = gate.shouldPause(pending: 1_000_000)
        let resumed = gate.shouldResumeAll(pending: 0)
        #expect(!paused && !resumed)
    }
}
