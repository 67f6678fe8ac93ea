@testable import Forensics
import Testing

@Suite struct OffsetSearchTests {
    /// Audio leads by k: the sound of video frame t is in the audio at t − k, i.e. a[t] = base[t + k], v[t] = base[t].
    static func pair(frames t: Int, audioLeadsBy k: Int, d: Int = 8) throws -> (FrameMatrix, FrameMatrix) {
        let base = randomRows(t + 40, d, seed: 7)
        let v = (0..<t).map { base[$0 + 20] }
        let a = (0..<t).map { base[$0 + 20 + k] }
        return (try FrameMatrix(rows: v), try FrameMatrix(rows: a))
    }

    @Test(arguments: [-15, -7, -1, 0, 1, 4, 15])
    func findsOffsetWithSign(k: Int) throws {
        let (v, a) = try Self.pair(frames: 100, audioLeadsBy: k)
        let r = try OffsetSearch.search(visual: v, audio: a)
        #expect(r.offsetFrames == k)
        #expect(r.offsetMilliseconds == Double(k * 40))
        #expect(r.minimumDistance < 1e-6)
        #expect(r.confidence > 0.5)
        #expect(r.shifts.count == 31 && r.meanDistances.count == 31)
        #expect(r.perFrameConfidence.count == 100)
        #expect(r.offsetConvention == "positive = audio leads video")
    }

    /// The easy-to-confuse construction: a[t] = v[t − k] repeats the video k frames later, so audio LAGS: offset −k.
    @Test func laggingAudioIsNegative() throws {
        let v = randomRows(100, 8, seed: 3)
        let k = 5
        let a = (0..<100).map { v[max(0, $0 - k)] }
        let r = try OffsetSearch.search(visual: try FrameMatrix(rows: v), audio: try FrameMatrix(rows: a))
        #expect(r.offsetFrames == -k)
        #expect(r.offsetMilliseconds == -200)
    }

    @Test func perFrameConfidenceHighWhereMatched() throws {
        let (v, a) = try Self.pair(frames: 60, audioLeadsBy: 3)
        let r = try OffsetSearch.search(visual: v, audio: a)
        #expect(r.perFrameConfidence[30] > 0.5)
        // frames 0..<3 have no audio partner at shift +3 (t − 3 < 0)
        #expect(r.perFrameConfidence[0] == 0)
    }

    @Test func emptyAndMismatchThrow() throws {
        let empty = try FrameMatrix(frames: 0, dimension: 4, values: [])
        #expect(throws: ForensicsError.self) { try OffsetSearch.search(visual: empty, audio: empty) }
        let v = try FrameMatrix(rows: randomRows(10, 4, seed: 1))
        let a = try FrameMatrix(rows: randomRows(11, 4, seed: 1))
        #expect(throws: ForensicsError.self) { try OffsetSearch.search(visual: v, audio: a) }
    }

    @Test func rowNormalizedMatchesDefinition() throws {
        let rows: [[Float]] = randomRows(12, 5, seed: 9).enumerated().map { i, row in row.map { $0 * Float(i + 1) } }
            + [[0, 0, 0, 0, 0]]
        let unit = try FrameMatrix(rows: rows).rowNormalized()
        #expect(unit.frames == 13 && unit.dimension == 5)
        var worst: Float = 0
        for (f, row) in rows.enumerated() {
            let norm = row.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            for d in 0..<5 {
                let expected = norm > 0 ? row[d] / norm : 0
                worst = max(worst, abs(unit.values[f * 5 + d] - expected))
            }
        }
        #expect(worst < 1e-6, "max error \(worst)")
        #expect(unit.values[(12 * 5)..<(13 * 5)].allSatisfy { $0 == 0 })
    }

    /// Audio that leads by 4 frames in direction, while the vectors' lengths swing between 10 and
    /// 0.1 every 3 frames and line up at another shift: on raw vectors the length match wins and
    /// the search misses; on unit rows it finds the offset.
    @Test func unitRowsRankShiftsByDirection() throws {
        let t = 80, k = 4
        let base = randomRows(t + 60, 6, seed: 21)
        func length(_ f: Int) -> Float { (f / 3) % 2 == 0 ? 10 : 0.1 }
        let v = (0..<t).map { f in base[f + 20].map { $0 * length(f + 20) } }
        let a = (0..<t).map { f in base[f + 20 + k].map { $0 * length(f + 20 + k + 3) } }
        let raw = try OffsetSearch.search(visual: try FrameMatrix(rows: v), audio: try FrameMatrix(rows: a))
        let unit = try OffsetSearch.search(visual: try FrameMatrix(rows: v).rowNormalized(),
                                           audio: try FrameMatrix(rows: a).rowNormalized())
        #expect(raw.offsetFrames != k)
        #expect(unit.offsetFrames == k)
        #expect(unit.minimumDistance < 1e-5)
    }

    @Test func identicalFramesTieBreakToZero() throws {
        let same = try FrameMatrix(rows: Array(repeating: [1, 2, 3], count: 40))
        let r = try OffsetSearch.search(visual: same, audio: same)
        #expect(r.offsetFrames == 0)
        #expect(r.confidence == 0)
    }
}

@Suite struct DriftCurveTests {
    @Test func constantOffsetIsFlat() throws {
        let (v, a) = try OffsetSearchTests.pair(frames: 120, audioLeadsBy: 4)
        let curve = try DriftCurve.compute(visual: v, audio: a)
        #expect(!curve.isEmpty)
        #expect(curve.allSatisfy { $0.offsetFrames == 4 })
        #expect(curve.last?.end == 120)
    }

    @Test func linearDriftGivesIncreasingCurve() throws {
        let t = 200
        let base = randomRows(t + 20, 8, seed: 11)
        // audio leads by k(t) = t / 20 frames: 0 at the start, 9 at the end.
        let v = (0..<t).map { base[$0] }
        let a = (0..<t).map { base[$0 + $0 / 20] }
        let curve = try DriftCurve.compute(visual: try FrameMatrix(rows: v), audio: try FrameMatrix(rows: a))
        let offsets = curve.map(\.offsetFrames)
        #expect(offsets.count == 35)
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }, "\(offsets)")
        #expect(offsets.first! <= 1 && offsets.last! >= 8, "\(offsets)")
    }

    @Test func shortClipGivesEmptyCurve() throws {
        let (v, a) = try OffsetSearchTests.pair(frames: 20, audioLeadsBy: 0)
        #expect(try DriftCurve.compute(visual: v, audio: a).isEmpty)
    }
}
