import Forensics

/// One window-aggregation rule scored on an evaluation's clips: each clip's probability recomputed
/// from its voting windows' probabilities (``EvaluatedClip/windowProbabilities``) by the rule.
public struct AggregationComparison: Codable, Sendable, Equatable {
    public var rule: String
    /// Clips scored (those with at least one voting window) and, of them, those with more than
    /// three voting windows — on shorter clips most rules coincide.
    public var clips: Int
    public var longClips: Int
    public var auc: Double?
    public var averagePrecision: Double?
    public var detectionAt1FPR: Double?
    /// AUC of each manipulation kind against all genuine clips.
    public var perKindAUC: [String: Double]

    enum CodingKeys: String, CodingKey {
        case rule, clips, longClips = "long_clips", auc, averagePrecision = "average_precision", detectionAt1FPR = "tpr_at_1_fpr"
        case perKindAUC = "per_kind_auc"
    }

    /// Every rule of ``AggregationRule/compared`` on `clips` (those without window probabilities are skipped).
    public static func compare(_ clips: [EvaluatedClip], rules: [AggregationRule] = AggregationRule.compared) -> [AggregationComparison] {
        let scored = clips.filter { $0.error == nil && !($0.windowProbabilities ?? []).isEmpty }
        guard !scored.isEmpty else { return [] }
        let long = scored.filter { ($0.windowProbabilities?.count ?? 0) > 3 }.count
        return rules.map { rule in
            let scores = scored.map { rule.apply($0.windowProbabilities ?? [])! }
            let labels = scored.map(\.label)
            var perKind: [String: Double] = [:]
            for kind in Set(scored.filter { $0.label == 1 }.map(\.kind)) {
                let members = scored.indices.filter { scored[$0].label == 0 || scored[$0].kind == kind }
                perKind[kind] = DetectionMetrics.rocAUC(scores: members.map { scores[$0] }, labels: members.map { labels[$0] })
            }
            return AggregationComparison(
                rule: rule.description, clips: scored.count, longClips: long,
                auc: DetectionMetrics.rocAUC(scores: scores, labels: labels),
                averagePrecision: DetectionMetrics.averagePrecision(scores: scores, labels: labels),
                detectionAt1FPR: DetectionMetrics.truePositiveRate(atFalsePositiveRate: 0.01, scores: scores, labels: labels)?.tpr,
                perKindAUC: perKind)
        }
    }
}
