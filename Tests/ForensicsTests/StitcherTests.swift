@testable import Forensics
import Testing

@Suite struct StitcherTests {
    @Test func singleCoverageIsExact() throws {
        let plan = try WindowPlan(frameCount: 50)
        let values: [Float] = (0..<50).map { Float($0) * 0.013 + 0.1 }
        let out = try Stitcher.stitch(plan: plan, perWindow: [values])
        #expect(out == values)
    }

    @Test func overlapIsAveraged() throws {
        let plan = try WindowPlan(frameCount: 75) // windows at 0 and 25
        let out = try Stitcher.stitch(plan: plan, perWindow: [[Float](repeating: 0.2, count: 50), [Float](repeating: 0.6, count: 50)])
        #expect(out.count == 75)
        #expect(out[0] == 0.2 && out[24] == 0.2)
        #expect(abs(out[25] - 0.4) < 1e-6 && abs(out[49] - 0.4) < 1e-6)
        #expect(out[50] == 0.6 && out[74] == 0.6)
    }

    @Test func paddedTailIgnored() throws {
        let plan = try WindowPlan(frameCount: 30)
        let values = [Float](repeating: 1, count: 30) + [Float](repeating: 99, count: 20)
        let out = try Stitcher.stitch(plan: plan, perWindow: [values])
        #expect(out.count == 30 && out.allSatisfy { $0 == 1 })
    }

    @Test func rowsStitched() throws {
        let plan = try WindowPlan(frameCount: 75)
        let a = [Float](repeating: 1, count: 100), b = [Float](repeating: 3, count: 100)
        let out = try Stitcher.stitchRows(plan: plan, perWindow: [a, b], dimension: 2)
        #expect(out.count == 150)
        #expect(out[0] == 1 && out[60] == 2 && out[149] == 3)
    }

    @Test func mismatchThrows() throws {
        let plan = try WindowPlan(frameCount: 75)
        #expect(throws: ForensicsError.self) { try Stitcher.stitch(plan: plan, perWindow: [[0]]) }
        #expect(throws: ForensicsError.self) { try Stitcher.stitch(plan: plan, perWindow: [[0], [0]]) }
    }
}
