@testable import Forensics
import Testing

@Suite struct WindowPlanTests {
    @Test func exactlyOneWindow() throws {
        let plan = try WindowPlan(frameCount: 50)
        #expect(plan.windows.count == 1)
        #expect(plan.windows[0].start == 0 && plan.windows[0].validFrames == 50 && !plan.windows[0].padded)
        #expect(!plan.isPadded)
        #expect(plan.melFramesPerWindow == 200)
    }

    @Test func oneSecondClipIsPadded() throws {
        let plan = try WindowPlan(frameCount: 25)
        #expect(plan.windows.count == 1)
        #expect(plan.windows[0].validFrames == 25)
        #expect(plan.isPadded)
    }

    @Test func belowOneSecondIsRejected() {
        #expect(throws: ForensicsError.clipTooShort(frames: 24, minimumFrames: 25)) { try WindowPlan(frameCount: 24) }
        #expect(throws: ForensicsError.clipTooShort(frames: 0, minimumFrames: 25)) { try WindowPlan(frameCount: 0) }
        #expect(ForensicsError.clipTooShort(frames: 24, minimumFrames: 25).description.contains("too short"))
    }

    @Test func lastWindowAlignedToEnd() throws {
        let plan = try WindowPlan(frameCount: 80)
        #expect(plan.windows.map(\.start) == [0, 25, 30])
        #expect(plan.windows.last?.end == 80)
        let even = try WindowPlan(frameCount: 100)
        #expect(even.windows.map(\.start) == [0, 25, 50])
    }

    @Test func everyFrameCoveredAndInside() throws {
        for t in [25, 49, 50, 51, 74, 75, 76, 1000, 1013] {
            let plan = try WindowPlan(frameCount: t)
            var covered = [Bool](repeating: false, count: t)
            for w in plan.windows {
                #expect(w.end <= t)
                for f in w.frames { covered[f] = true }
            }
            #expect(covered.allSatisfy { $0 }, "T = \(t)")
        }
    }

    @Test func configurableHop() throws {
        let plan = try WindowPlan(frameCount: 100, windowFrames: 50, hopFrames: 10)
        #expect(plan.windows.map(\.start) == [0, 10, 20, 30, 40, 50])
        #expect(throws: ForensicsError.self) { try WindowPlan(frameCount: 100, hopFrames: 0) }
    }

    @Test func paddingRepeatsLast() {
        #expect(WindowPlan.padded([1, 2, 3], to: 5) == [1, 2, 3, 3, 3])
        #expect(WindowPlan.padded([1, 2], to: 1) == [1, 2])
    }
}
