@testable import Forensics
import Foundation
import Testing

@Suite struct SegmentFinderTests {
    @Test func findsSyncAndArtifactSegments() {
        var sync = [Float](repeating: 0.9, count: 100)
        for i in 20..<30 { sync[i] = 0.1 }
        var artifact = [Float](repeating: 0.1, count: 100)
        for i in 60..<70 { artifact[i] = 0.8 }
        let segs = SegmentFinder.find(sync: sync, artifact: artifact)
        #expect(segs.count == 2)
        #expect(segs[0].kind == .sync && segs[0].startFrame == 20 && segs[0].endFrame == 30)
        #expect(abs(segs[0].score - 0.9) < 1e-6)
        #expect(segs[0].start == 0.8 && segs[0].end == 1.2)
        #expect(segs[1].kind == .artifact && segs[1].startFrame == 60 && segs[1].endFrame == 70)
    }

    @Test func mergesSmallGapsDropsShortRuns() {
        var sync = [Float](repeating: 1, count: 60)
        for i in 10..<14 { sync[i] = 0 }
        for i in 16..<20 { sync[i] = 0 } // gap of 2 → merged 10..<20
        for i in 40..<43 { sync[i] = 0 } // 3 frames < 5 → dropped
        let segs = SegmentFinder.find(sync: sync, artifact: [])
        #expect(segs.count == 1)
        #expect(segs[0].startFrame == 10 && segs[0].endFrame == 20)
        #expect(abs(segs[0].score - 0.8) < 1e-6) // 8 of 10 frames at evidence 1
    }

    @Test func segmentReachingTheEnd() {
        let sync = [Float](repeating: 1, count: 20) + [Float](repeating: 0.2, count: 10)
        let segs = SegmentFinder.find(sync: sync, artifact: [])
        #expect(segs.map(\.endFrame) == [30])
    }

    @Test func emptyAndNaN() {
        #expect(SegmentFinder.find(sync: [], artifact: []).isEmpty)
        #expect(SegmentFinder.find(sync: [Float](repeating: .nan, count: 30), artifact: [Float](repeating: .nan, count: 30)).isEmpty)
    }

    @Test func jsonKeys() throws {
        let seg = SegmentFinder.Segment(startFrame: 25, endFrame: 50, score: 0.5, kind: .artifact)
        let data = try JSONEncoder().encode(seg)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["start"] as? Double == 1.0)
        #expect(object?["end"] as? Double == 2.0)
        #expect(object?["evidence"] as? String == "artifact")
        #expect(try JSONDecoder().decode(SegmentFinder.Segment.self, from: data) == seg)
    }
}
