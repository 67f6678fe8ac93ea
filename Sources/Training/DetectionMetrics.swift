/// Binary-detection metrics over scores (higher = more likely fake) and labels (1 = fake).
public enum DetectionMetrics {
    /// Area under the ROC curve: the probability that a random fake scores above a random genuine
    /// clip, ties counting one half (the Mann–Whitney statistic). nil without both classes.
    public static func rocAUC(scores: [Float], labels: [Int]) -> Double? {
        let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] == 1 { rankSum += averageRank }
            i = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// Average precision: Σ over fakes, in decreasing score, of the precision at that fake's rank
    /// (tied scores enter together), divided by the number of fakes. nil without fakes.
    public static func averagePrecision(scores: [Float], labels: [Int]) -> Double? {
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0, seen = 0, sum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let newPositives = (i...j).filter { labels[order[$0]] == 1 }.count
            truePositives += newPositives
            seen += j - i + 1
            sum += Double(newPositives) * Double(truePositives) / Double(seen)
            i = j + 1
        }
        return sum / Double(positives)
    }

    /// The ROC operating points `(threshold, fpr, tpr)` for thresholds at every distinct score
    /// ("fake" when score ≥ threshold), from the highest threshold down.
    public static func rocPoints(scores: [Float], labels: [Int]) -> [(threshold: Float, fpr: Double, tpr: Double)] {
        let positives = Double(labels.filter { $0 == 1 }.count), negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else { return [] }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points: [(Float, Double, Double)] = [(Float.infinity, 0, 0)]
        var tp = 0.0, fp = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for k in i...j { if labels[order[k]] == 1 { tp += 1 } else { fp += 1 } }
            points.append((scores[order[i]], fp / negatives, tp / positives))
            i = j + 1
        }
        return points
    }

    /// Equal error rate: where the false-positive rate meets the miss rate (linear interpolation
    /// between operating points), and the threshold there.
    public static func equalErrorRate(scores: [Float], labels: [Int]) -> (rate: Double, threshold: Float)? {
        let points = rocPoints(scores: scores, labels: labels)
        guard points.count >= 2 else { return nil }
        for k in 1..<points.count {
            let (a, b) = (points[k - 1], points[k])
            let da = a.fpr - (1 - a.tpr), db = b.fpr - (1 - b.tpr)
            if da <= 0 && db >= 0 {
                let f = db == da ? 0 : -da / (db - da)
                return (a.fpr + f * (b.fpr - a.fpr), b.threshold)
            }
        }
        return nil
    }

    /// The false-positive rate at the first operating point whose detection rate reaches `tpr`.
    public static func falsePositiveRate(atTruePositiveRate tpr: Double, scores: [Float], labels: [Int]) -> Double? {
        rocPoints(scores: scores, labels: labels).first { $0.tpr >= tpr }?.fpr
    }

    /// The detection rate at the lowest threshold whose false-positive rate is at most `fpr`.
    public static func truePositiveRate(atFalsePositiveRate fpr: Double, scores: [Float], labels: [Int]) -> (tpr: Double, threshold: Float)? {
        let points = rocPoints(scores: scores, labels: labels).filter { $0.fpr <= fpr && $0.threshold.isFinite }
        guard let best = points.last else { return nil }
        return (best.tpr, best.threshold)
    }

    /// Counts at `threshold` ("fake" when score ≥ threshold).
    public struct Confusion: Codable, Sendable, Equatable {
        public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0
        public var accuracy: Double { Double(truePositives + trueNegatives) / Double(max(1, truePositives + falsePositives + trueNegatives + falseNegatives)) }
        public var precision: Double { Double(truePositives) / Double(max(1, truePositives + falsePositives)) }
        public var recall: Double { Double(truePositives) / Double(max(1, truePositives + falseNegatives)) }
        public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }

        enum CodingKeys: String, CodingKey {
            case truePositives = "true_positives", falsePositives = "false_positives"
            case trueNegatives = "true_negatives", falseNegatives = "false_negatives"
        }
    }

    public static func confusion(scores: [Float], labels: [Int], threshold: Float) -> Confusion {
        var c = Confusion()
        for (s, l) in zip(scores, labels) {
            switch (s >= threshold, l == 1) {
            case (true, true): c.truePositives += 1
            case (true, false): c.falsePositives += 1
            case (false, false): c.trueNegatives += 1
            case (false, true): c.falseNegatives += 1
            }
        }
        return c
    }

    /// Expected calibration error over `bins` equal-width probability bins:
    /// Σ (n_b / n) · |mean label − mean probability| in each bin.
    public static func expectedCalibrationError(probabilities: [Float], labels: [Int], bins: Int = 10) -> Double {
        guard !probabilities.isEmpty else { return 0 }
        var count = [Double](repeating: 0, count: bins), confidence = count, positive = count
        for (p, l) in zip(probabilities, labels) {
            let b = min(bins - 1, max(0, Int(Double(p) * Double(bins))))
            count[b] += 1
            confidence[b] += Double(p)
            positive[b] += Double(l)
        }
        var total = 0.0
        for b in 0..<bins where count[b] > 0 {
            total += count[b] / Double(probabilities.count) * abs(positive[b] / count[b] - confidence[b] / count[b])
        }
        return total
    }
}
