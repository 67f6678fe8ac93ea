import Forensics
import Foundation
import Media

/// The options of one `POST /detect` or `POST /report`, from the query string and, for multipart
/// uploads, from text fields beside `file` (a field overrides the same query option).
struct DetectionOptions: Equatable, Sendable {
    enum Detail: String, Sendable {
        /// The seed's four keys only.
        case seed
        /// The seed's keys plus the whole analysis under `analysis`.
        case full
    }

    enum Name: String, CaseIterable {
        case roi, face, threshold, margin, aggregation, detail
    }

    /// Mouth region `x,y,w,h` in the displayed frame; nil = found by face tracking.
    var region: RegionOfInterest?
    /// `face=auto|N|whole-frame`: which face to follow when there is no `roi`.
    var face: MouthFraming = .automatic
    /// Fake at or above this probability; nil = the threshold stored with the weights, else 0.5.
    var threshold: Float?
    /// Uncertain within this of the threshold; nil = the server's default.
    var margin: Float?
    /// `aggregation=mean|median|max|top-K`: how window probabilities make the clip's.
    var aggregation = AggregationRule.mean
    var detail = Detail.seed

    /// Reads `pairs`, later ones winning.
    /// - Throws: ``APIError`` 400 naming an unknown option or a bad value.
    static func parse(_ pairs: [(name: String, value: String)], over base: DetectionOptions = DetectionOptions()) throws -> DetectionOptions {
        var options = base
        for (name, value) in pairs {
            try options.set(name, value.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return options
    }

    private mutating func set(_ name: String, _ value: String) throws {
        guard let option = Name(rawValue: name) else {
            throw APIError.badRequest("unknown option '\(name)'; the options are \(Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch option {
        case .roi:
            do {
                region = try RegionOfInterest(parsing: value)
            } catch {
                throw APIError.badRequest("roi '\(value)': expected x,y,w,h in pixels with x,y ≥ 0 and w,h > 0")
            }
        case .face:
            do {
                face = try MouthFraming(parsingFace: value)
            } catch {
                throw APIError.badRequest("face '\(value)': expected auto, whole-frame or a face number (0, 1, …)")
            }
        case .threshold:
            guard let number = Float(value), (0...1).contains(number) else {
                throw APIError.badRequest("threshold '\(value)': expected a number in 0…1")
            }
            threshold = number
        case .margin:
            guard let number = Float(value), (0...0.5).contains(number) else {
                throw APIError.badRequest("margin '\(value)': expected a number in 0…0.5")
            }
            margin = number
        case .aggregation:
            do {
                aggregation = try AggregationRule(parsing: value)
            } catch {
                throw APIError.badRequest("aggregation '\(value)': expected mean, median, max or top-K (K ≥ 1, e.g. top-3)")
            }
        case .detail:
            guard let level = Detail(rawValue: value) else {
                throw APIError.badRequest("detail '\(value)': expected seed or full")
            }
            detail = level
        }
    }

    /// The analysis settings these options give with `analyzer`'s stored threshold and window.
    func analysisOptions(for analyzer: Analyzer, defaultMargin: Float, limits: MediaLimits, explanations: Bool) -> AnalysisOptions {
        var options = AnalysisOptions()
        let storedThreshold = analyzer.storedThreshold
        // A clip shorter than one window is padded; a model with windows under a second (the
        // test preset) accepts clips as short as one window.
        options.minimumFrames = min(options.minimumFrames, analyzer.model.configuration.windowFrames)
        options.framing = region.map { .region($0) } ?? face
        options.limits = limits
        options.aggregator.threshold = threshold ?? storedThreshold ?? 0.5
        options.aggregator.margin = margin ?? defaultMargin
        options.aggregator.rule = aggregation
        options.keepExplanations = explanations
        return options
    }
}

/// The `POST /detect` answer: the seed's JSON exactly at the top level —
/// `is_real`, `is_fake`, `confidence`, `manipulation_probability` (null when the clip has no
/// speech) — and, with `detail=full`, the whole analysis under `analysis` (as `detect --detail`).
struct DetectionResponse: Encodable {
    var analysis: Analysis
    var detail: DetectionOptions.Detail

    enum CodingKeys: String, CodingKey {
        case isReal = "is_real", isFake = "is_fake", confidence, manipulationProbability = "manipulation_probability", analysis
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(analysis.isReal, forKey: .isReal)
        try c.encode(analysis.isFake, forKey: .isFake)
        try c.encode(analysis.confidence, forKey: .confidence)
        if let p = analysis.manipulationProbability { try c.encode(p, forKey: .manipulationProbability) } else { try c.encodeNil(forKey: .manipulationProbability) }
        if detail == .full { try c.encode(analysis, forKey: .analysis) }
    }

    /// One word for the logs: real, fake, uncertain or no_speech.
    static func verdictWord(_ analysis: Analysis) -> String {
        if analysis.manipulationProbability == nil { return "no_speech" }
        if analysis.verdict.uncertain { return "uncertain" }
        return analysis.isFake ? "fake" : "real"
    }
}
