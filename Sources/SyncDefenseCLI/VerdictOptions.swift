import ArgumentParser
import Forensics
import Media

/// Options shared by the commands that judge one clip (`detect`, `inspect`): the weights, the
/// mouth region and the decision threshold and margin.
struct VerdictOptions: ParsableArguments {
    @Option(help: "Weights file (default: the shipped compact weights).")
    var weights: String?

    @Option(help: ArgumentHelp("Mouth region x,y,w,h in the displayed frame (default: found by face tracking).", valueName: "x,y,w,h"))
    var roi: String?

    @Option(help: ArgumentHelp("Which face to follow: auto (the one speaking), a face number 0, 1, … (by first appearance), or whole-frame for a clip that is already mouth-centred.", valueName: "auto|N|whole-frame"))
    var face: String?

    @Option(help: ArgumentHelp("OpenCV HAAR cascade for face detection (default: Debian opencv-data's frontal-face cascade).", valueName: "file"))
    var faceCascade: String?

    @Option(help: "Fake when the aggregated probability is at least this (default: the threshold stored with the weights, else 0.5).")
    var threshold: Float?

    @Option(help: "Uncertain when the probability is within this of the threshold.")
    var margin: Float = 0.1

    @Option(help: ArgumentHelp("How window probabilities make the clip's: mean (calibrated for any clip length), median, max, or top-K (the mean of the K highest: more sensitive to a short manipulation, but more false alarms on long clips at the same threshold).", valueName: "mean|median|max|top-K"))
    var aggregation: String = "mean"

    func validate() throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be in 0…1") }
        guard (0...0.5).contains(margin) else { throw ValidationError("--margin must be in 0…0.5") }
        if let roi { _ = try RegionOfInterest(parsing: roi) }
        if roi != nil && face != nil { throw ValidationError("give --roi or --face, not both") }
        if let face { _ = try MouthFraming(parsingFace: face) }
        do { _ = try AggregationRule(parsing: aggregation) } catch { throw ValidationError("--aggregation: \(error)") }
    }

    /// The parsed `--aggregation`.
    var aggregationRule: AggregationRule {
        get throws { try AggregationRule(parsing: aggregation) }
    }

    /// How the mouth is found: `--roi`, `--face`, or face tracking.
    var framing: MouthFraming {
        get throws {
            if let region = try region { return .region(region) }
            return try face.map { try MouthFraming(parsingFace: $0) } ?? .automatic
        }
    }

    /// The parsed `--roi`, nil for the whole frame.
    var region: RegionOfInterest? {
        get throws { try roi.map { try RegionOfInterest(parsing: $0) } }
    }
}
