import Foundation

/// One analysed clip of an evaluation: its labels and what the analysis said.
public struct EvaluatedClip: Codable, Sendable {
    public var path: String
    public var label: Int
    public var kind: String
    public var offsetFrames: Int?
    public var snrDB: Double?
    /// Who speaks (``TrainingExample/speaker``); nil = unknown.
    public var speaker: String?
    /// The aggregated fake probability; nil when the clip had no speech to judge.
    public var probability: Float?
    /// The offset the analysis measured (frames, positive = audio leads).
    public var estimatedOffset: Int?
    /// Per-frame sync probability and the clip's per-frame sync labels (partial clips).
    public var frameSync: [Float]?
    public var frameSyncLabels: [Int]?
    /// Probabilities of the windows that voted (had speech), in time order.
    public var windowProbabilities: [Float]?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case path, label, kind, offsetFrames = "offset_frames", snrDB = "snr_db", speaker, probability
        case estimatedOffset = "estimated_offset", frameSync = "frame_sync", frameSyncLabels = "frame_sync_labels"
        case windowProbabilities = "window_probabilities", error
    }

    public init(example: TrainingExample, probability: Float?, estimatedOffset: Int?, frameSync: [Float]?,
                windowProbabilities: [Float]? = nil, error: String?) {
        path = example.path
        label = example.label
        kind = example.kind
        offsetFrames = example.offsetFrames
        snrDB = example.snrDB
        speaker = example.speaker
        self.probability = probability
        self.estimatedOffset = estimatedOffset
        self.frameSync = frameSync
        frameSyncLabels = example.kind == "partial" ? example.frameSync : nil
        self.windowProbabilities = windowProbabilities
        self.error = error
    }

    /// The score metrics rank: the probability, or ½ for a clip without speech.
    var score: Float { probability ?? 0.5 }
}

/// The evaluation report of `syncdefense eval` (JSON keys in snake_case).
public struct EvaluationReport: Codable, Sendable {
    public struct Summary: Codable, Sendable {
        public var clips: Int
        public var fakes: Int
        public var auc: Double?
        public var averagePrecision: Double?
        public var equalErrorRate: Double?
        public var falsePositiveRateAt95TPR: Double?
        public var detectionAt1FPR: Double?
        public var accuracy: Double
        public var f1: Double
        public var expectedCalibrationError: Double

        enum CodingKeys: String, CodingKey {
            case clips, fakes, auc, averagePrecision = "average_precision", equalErrorRate = "eer"
            case falsePositiveRateAt95TPR = "fpr_at_95_tpr", detectionAt1FPR = "tpr_at_1_fpr", accuracy, f1
            case expectedCalibrationError = "ece"
        }
    }

    public struct OffsetBucket: Codable, Sendable {
        public var absOffset: Int
        public var clips: Int
        /// Share detected at the report's threshold, and at the 1 %-FPR threshold.
        public var detectionRate: Double
        public var detectionRateAt1FPR: Double?
        enum CodingKeys: String, CodingKey {
            case absOffset = "abs_offset", clips, detectionRate = "detection_rate", detectionRateAt1FPR = "detection_rate_at_1_fpr"
        }
    }

    public var threshold: Float
    public var thresholdAt1FPR: Float?
    public var overall: Summary
    /// Each manipulation kind against all genuine clips.
    public var perKind: [String: Summary]
    public var perOffset: [OffsetBucket]
    /// Bands "clean", "20-30", "10-20", "0-10", "<0" (dB) — fakes and genuine clips of the band.
    public var perSNR: [String: Summary]
    /// Each speaker's clips, genuine and fake (nil when the manifest names no speakers): shows
    /// whether errors gather on voices — e.g. the held-out split's unseen voices.
    public var perSpeaker: [String: Summary]?
    /// Offset clips whose measured offset equals the label, and within ±1 frame.
    public var offsetExact: Double?
    public var offsetWithinOne: Double?
    public var offsetClips: Int
    /// Frame-level AUC of (1 − sync) against out-of-sync frames on partial clips.
    public var partialFrameAUC: Double?
    public var confusion: DetectionMetrics.Confusion
    public var noSpeech: Int
    public var errors: Int
    /// The window-aggregation rules compared on the same windows (empty without window probabilities).
    public var aggregation: [AggregationComparison]

    enum CodingKeys: String, CodingKey {
        case threshold, thresholdAt1FPR = "threshold_at_1_fpr", overall, perKind = "per_kind", perOffset = "per_offset"
        case perSNR = "per_snr", perSpeaker = "per_speaker", offsetExact = "offset_exact", offsetWithinOne = "offset_within_1", offsetClips = "offset_clips"
        case partialFrameAUC = "partial_frame_auc", confusion, noSpeech = "no_speech", errors, aggregation
    }

    /// Computes every metric from analysed clips at `threshold`.
    public init(clips all: [EvaluatedClip], threshold: Float) {
        let clips = all.filter { $0.error == nil }
        errors = all.count - clips.count
        noSpeech = clips.filter { $0.probability == nil }.count
        self.threshold = threshold
        func summary(_ set: [EvaluatedClip]) -> Summary {
            let scores = set.map(\.score), labels = set.map(\.label)
            let c = DetectionMetrics.confusion(scores: scores, labels: labels, threshold: threshold)
            return Summary(clips: set.count, fakes: labels.filter { $0 == 1 }.count,
                           auc: DetectionMetrics.rocAUC(scores: scores, labels: labels),
                           averagePrecision: DetectionMetrics.averagePrecision(scores: scores, labels: labels),
                           equalErrorRate: DetectionMetrics.equalErrorRate(scores: scores, labels: labels)?.rate,
                           falsePositiveRateAt95TPR: DetectionMetrics.falsePositiveRate(atTruePositiveRate: 0.95, scores: scores, labels: labels),
                           detectionAt1FPR: DetectionMetrics.truePositiveRate(atFalsePositiveRate: 0.01, scores: scores, labels: labels)?.tpr,
                           accuracy: c.accuracy, f1: c.f1,
                           expectedCalibrationError: DetectionMetrics.expectedCalibrationError(probabilities: scores, labels: labels))
        }
        overall = summary(clips)
        confusion = DetectionMetrics.confusion(scores: clips.map(\.score), labels: clips.map(\.label), threshold: threshold)
        let genuine = clips.filter { $0.label == 0 }
        var kinds: [String: Summary] = [:]
        for kind in Set(clips.filter { $0.label == 1 }.map(\.kind)) {
            kinds[kind] = summary(genuine + clips.filter { $0.kind == kind })
        }
        perKind = kinds
        let at1 = DetectionMetrics.truePositiveRate(atFalsePositiveRate: 0.01, scores: clips.map(\.score), labels: clips.map(\.label))
        thresholdAt1FPR = at1?.threshold
        let offsets = clips.filter { $0.kind == "offset" && $0.offsetFrames != nil }
        perOffset = Dictionary(grouping: offsets) { abs($0.offsetFrames ?? 0) }.keys.sorted().map { k in
            let set = offsets.filter { abs($0.offsetFrames ?? 0) == k }
            return OffsetBucket(absOffset: k, clips: set.count,
                                detectionRate: Double(set.filter { $0.score >= threshold }.count) / Double(set.count),
                                detectionRateAt1FPR: at1.map { t in Double(set.filter { $0.score >= t.threshold }.count) / Double(set.count) })
        }
        func band(_ snr: Double?) -> String {
            guard let snr else { return "clean" }
            switch snr {
            case 20...: return "20-30"
            case 10..<20: return "10-20"
            case 0..<10: return "0-10"
            default: return "<0"
            }
        }
        perSNR = Dictionary(grouping: clips) { band($0.snrDB) }.mapValues(summary)
        let spoken = clips.filter { $0.speaker != nil }
        perSpeaker = spoken.isEmpty ? nil : Dictionary(grouping: spoken) { $0.speaker! }.mapValues(summary)
        offsetClips = offsets.count
        let measured = offsets.filter { $0.estimatedOffset != nil }
        offsetExact = offsets.isEmpty ? nil : Double(measured.filter { $0.estimatedOffset == $0.offsetFrames }.count) / Double(offsets.count)
        offsetWithinOne = offsets.isEmpty ? nil : Double(measured.filter { abs(($0.estimatedOffset ?? 0) - ($0.offsetFrames ?? 0)) <= 1 }.count) / Double(offsets.count)
        var frameScores: [Float] = [], frameLabels: [Int] = []
        for clip in clips where clip.kind == "partial" {
            guard let sync = clip.frameSync, let labels = clip.frameSyncLabels else { continue }
            for (s, l) in zip(sync, labels) where s.isFinite { frameScores.append(1 - s); frameLabels.append(l == 0 ? 1 : 0) }
        }
        partialFrameAUC = DetectionMetrics.rocAUC(scores: frameScores, labels: frameLabels)
        aggregation = AggregationComparison.compare(clips)
    }

    /// A readable table.
    public func table() -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "—" }
        var lines: [String] = []
        lines.append(String(format: "threshold %.3f (1%%-FPR threshold %@)", threshold, thresholdAt1FPR.map { String(format: "%.3f", $0) } ?? "—"))
        lines.append("")
        lines.append("set            clips  fakes  AUC     AP      EER     FPR@95TPR  TPR@1FPR  acc     F1      ECE")
        func row(_ name: String, _ s: Summary, width: Int = 14) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %5d  %5d  ", s.clips, s.fakes)
                + [f(s.auc), f(s.averagePrecision), f(s.equalErrorRate), f(s.falsePositiveRateAt95TPR) + "   ", f(s.detectionAt1FPR) + "  ",
                   f(s.accuracy), f(s.f1), f(s.expectedCalibrationError)].joined(separator: "  ")
        }
        lines.append(row("overall", overall))
        for kind in perKind.keys.sorted() { lines.append(row("  " + kind, perKind[kind]!)) }
        for band in ["clean", "20-30", "10-20", "0-10", "<0"] where perSNR[band] != nil { lines.append(row("  snr " + band, perSNR[band]!)) }
        if let perSpeaker {
            lines.append("")
            lines.append("speaker                        clips  fakes  AUC     AP      EER     FPR@95TPR  TPR@1FPR  acc     F1      ECE")
            for name in perSpeaker.keys.sorted() {
                lines.append(row(name, perSpeaker[name]!, width: 30))
            }
        }
        lines.append("")
        lines.append("|offset|  clips  detected  detected@1%FPR")
        for b in perOffset {
            lines.append(String(format: "%8d  %5d  %8.3f  %@", b.absOffset, b.clips, b.detectionRate, b.detectionRateAt1FPR.map { String(format: "%.3f", $0) } ?? "—"))
        }
        lines.append("")
        lines.append("offset estimate on \(offsetClips) offset clips: exact \(f(offsetExact)), within ±1 frame \(f(offsetWithinOne))")
        lines.append("frame-level AUC on partial clips: \(f(partialFrameAUC))")
        lines.append("confusion at threshold: TP \(confusion.truePositives)  FP \(confusion.falsePositives)  TN \(confusion.trueNegatives)  FN \(confusion.falseNegatives)")
        lines.append("clips without speech: \(noSpeech); clips that failed: \(errors)")
        if let first = aggregation.first {
            let kinds = Set(aggregation.flatMap(\.perKindAUC.keys)).sorted()
            lines.append("")
            lines.append("window aggregation on the same windows (\(first.clips) clips, \(first.longClips) with more than 3 voting windows):")
            lines.append("rule          AUC     AP      TPR@1FPR" + kinds.map { "  " + $0.padding(toLength: 8, withPad: " ", startingAt: 0) }.joined())
            for a in aggregation {
                lines.append(a.rule.padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + [f(a.auc), f(a.averagePrecision), f(a.detectionAt1FPR) + "  "].joined(separator: "  ")
                             + kinds.map { "  " + f(a.perKindAUC[$0]).padding(toLength: 8, withPad: " ", startingAt: 0) }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }
}
