import Foundation
import Testing
@testable import FaceTracking

@Suite struct FrameHandoffTests {
    struct Broken: Error {}

    @Test func itemsArriveInOrderThenTheProducersError() throws {
        let handoff = FrameHandoff<Int>(capacity: 2)
        Thread.detachNewThread {
            for i in 0..<50 { _ = handoff.put(i) }
            handoff.finish(throwing: Broken())
        }
        var received: [Int] = []
        do {
            while let item = try handoff.take() { received.append(item) }
            Issue.record("the producer's error was lost")
        } catch is Broken {}
        #expect(received == Array(0..<50))
    }

    @Test func aConsumerThatLeavesReleasesAWaitingProducer() throws {
        let handoff = FrameHandoff<Int>(capacity: 1)
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var i = 0
            while handoff.put(i) { i += 1 }
            stopped.signal()
        }
        #expect(try handoff.take() == 0)
        handoff.abandon()
        #expect(stopped.wait(timeout: .now() + 600) == .success)
    }
}
