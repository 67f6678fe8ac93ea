import Forensics
import Foundation
import Testing
@testable import Training

@Suite struct AggregationComparisonTests {
    /// Genuine clips whose windows all sit at 0.35; partial fakes whose windows sit at 0.1 except
    /// one at 0.9. The maximum separates them completely; the mean ranks every fake below every
    /// genuine clip.
    @Test func rulesAreScoredOnTheSameWindows() throws {
        func clip(_ i: Int, label: Int, windows: [Float]) -> EvaluatedClip {
            let example = TrainingExample(path: "c\(i).mp4", label: label, kind: label == 1 ? "partial" : "genuine",
                                          url: URL(fileURLWithPath: "/c\(i).mp4"))
            return EvaluatedClip(example: example, probability: nil, estimatedOffset: nil, frameSync: nil,
                                 windowProbabilities: windows, error: nil)
        }
        var clips: [EvaluatedClip] = []
        for i in 0..<6 {
            let jitter = Float(i) * 0.01
            clips.append(clip(i, label: 0, windows: [Float](repeating: 0.35 + jitter, count: 8)))
            var fake = [Float](repeating: 0.1 + jitter, count: 8)
            fake[i] = 0.9
            clips.append(clip(100 + i, label: 1, windows: fake))
        }
        clips.append(clip(200, label: 0, windows: [0.2, 0.3])) // a short clip
        clips.append(clip(201, label: 0, windows: [])) // no speech: not scored
        let rows = AggregationComparison.compare(clips)
        #expect(rows.map(\.rule) == AggregationRule.compared.map(\.description))
        let byRule = Dictionary(uniqueKeysWithValues: rows.map { ($0.rule, $0) })
        let maximum = try #require(byRule["max"]), mean = try #require(byRule["mean"])
        #expect(maximum.clips == 13 && maximum.longClips == 12)
        #expect(maximum.auc == 1 && maximum.perKindAUC["partial"] == 1 && maximum.detectionAt1FPR == 1)
        #expect(mean.auc != nil && mean.auc! < 0.1)
        #expect(byRule["median"]?.auc.map { $0 < 0.1 } == true)
        // Top-2 of a fake: (0.9 + 0.1…0.15) / 2 ≥ 0.5 > every genuine top-2 (≤ 0.4).
        #expect(byRule["top-2 mean"]?.auc == 1)
    }

    @Test func withoutWindowProbabilitiesThereIsNoComparison() {
        let example = TrainingExample(path: "a.mp4", label: 0, kind: "genuine", url: URL(fileURLWithPath: "/a.mp4"))
        let clip = EvaluatedClip(example: example, probability: 0.2, estimatedOffset: nil, frameSync: nil, error: nil)
        #expect(AggregationComparison.compare([clip]).isEmpty)
        #expect(EvaluationReport(clips: [clip], threshold: 0.5).aggregation.isEmpty)
    }
}
