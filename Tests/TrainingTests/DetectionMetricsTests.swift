import Testing
@testable import Training

@Suite("Detection metrics")
struct DetectionMetricsTests {
    /// AUC by its definition: the share of (fake, genuine) pairs the scores order correctly, ties ½.
    func pairwiseAUC(_ scores: [Float], _ labels: [Int]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] == 1 {
            for j in scores.indices where labels[j] == 0 {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        return wins / pairs
    }

    @Test("ROC AUC equals the pairwise definition, ties included")
    func aucMatchesDefinition() throws {
        var state: UInt64 = 7
        for trial in 0..<20 {
            var scores: [Float] = [], labels: [Int] = []
            for _ in 0..<(10 + trial * 3) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                labels.append(Int(state >> 63))
                scores.append(Float((state >> 40) % 7) / 7) // many ties
            }
            guard labels.contains(0), labels.contains(1) else { continue }
            let auc = try #require(DetectionMetrics.rocAUC(scores: scores, labels: labels))
            #expect(abs(auc - pairwiseAUC(scores, labels)) < 1e-12)
        }
        #expect(DetectionMetrics.rocAUC(scores: [0.1, 0.2], labels: [1, 1]) == nil)
    }

    @Test("average precision, EER and operating points on a hand-checked case")
    func handCheckedCase() throws {
        // Sorted by score: F G F G G → precision at the fakes: 1/1, 2/3 → AP = (1 + 2/3) / 2.
        let scores: [Float] = [0.9, 0.8, 0.7, 0.3, 0.1]
        let labels = [1, 0, 1, 0, 0]
        let ap = try #require(DetectionMetrics.averagePrecision(scores: scores, labels: labels))
        #expect(abs(ap - (1 + 2.0 / 3) / 2) < 1e-12)
        #expect(DetectionMetrics.falsePositiveRate(atTruePositiveRate: 0.95, scores: scores, labels: labels) == 1.0 / 3)
        let atOnePercent = try #require(DetectionMetrics.truePositiveRate(atFalsePositiveRate: 0.01, scores: scores, labels: labels))
        #expect(atOnePercent.tpr == 0.5 && atOnePercent.threshold == 0.9)
        let eer = try #require(DetectionMetrics.equalErrorRate(scores: scores, labels: labels))
        #expect(eer.rate > 0.3 && eer.rate < 0.5)
        let c = DetectionMetrics.confusion(scores: scores, labels: labels, threshold: 0.5)
        #expect(c.truePositives == 2 && c.falsePositives == 1 && c.trueNegatives == 2 && c.falseNegatives == 0)
        #expect(abs(c.f1 - 0.8) < 1e-12)
    }

    @Test("calibration error is zero for calibrated bins and grows with miscalibration")
    func calibration() {
        let calibrated = DetectionMetrics.expectedCalibrationError(probabilities: [0.05, 0.05, 0.95, 0.95], labels: [0, 0, 1, 1])
        #expect(abs(calibrated - 0.05) < 1e-6)
        let wrong = DetectionMetrics.expectedCalibrationError(probabilities: [0.95, 0.95, 0.05, 0.05], labels: [0, 0, 1, 1])
        #expect(wrong > 0.9)
    }
}
