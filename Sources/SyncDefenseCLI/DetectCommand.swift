import ArgumentParser
import Forensics
import Foundation
import Media

/// `syncdefense detect FILE`: the seed's verdict for one clip.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Decide whether a clip's lip sync was manipulated.",
        discussion: """
        Prints the seed's JSON on one line: {"is_real", "is_fake", "confidence", "manipulation_probability"}; \
        --detail adds the whole analysis under "analysis" (offset, drift, segments, timelines, provenance; \
        schema in Docs/analysis.md); --table prints a short human summary instead.

        Exit status: 0 = real, 1 = fake, 2 = uncertain (probability within the margin of the threshold, \
        or no speech to judge), 3 = the file could not be analysed (the message says why), 64 = bad usage.
        """
    )

    @Argument(help: "The clip (any container FFmpeg reads; mouth-centred, or give --roi).")
    var file: String

    @OptionGroup var verdict: VerdictOptions

    @Flag(help: "Print a short table instead of JSON.")
    var table = false

    @Flag(help: "Add the full analysis under an \"analysis\" key.")
    var detail = false

    @OptionGroup var limits: MediaLimitOptions

    func run() async throws {
        let analysis: Analysis
        do {
            let analyzer = try AnalyzerFactory.make(weights: verdict.weights)
            var options = AnalysisOptions()
            options.framing = try verdict.framing
            options.faceCascade = verdict.faceCascade
            options.limits = limits.limits
            options.aggregator.threshold = verdict.threshold ?? analyzer.storedThreshold ?? 0.5
            options.aggregator.margin = verdict.margin
            options.aggregator.rule = try verdict.aggregationRule
            analysis = try analyzer.analyzer.analyze(path: file, options: options)
        } catch {
            printError("syncdefense detect: \(file): \(error)")
            throw ExitCode(3)
        }
        if table {
            print(DetectionTable.render(analysis, file: file))
        } else {
            try DetectionJSON.print(analysis, detail: detail)
        }
        throw ExitCode(DetectionJSON.exitStatus(analysis))
    }
}

/// The detect output forms.
enum DetectionJSON {
    struct Seed: Encodable {
        var analysis: Analysis
        var detail: Bool
        enum CodingKeys: String, CodingKey { case isReal = "is_real", isFake = "is_fake", confidence, manipulationProbability = "manipulation_probability", analysis }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(analysis.isReal, forKey: .isReal)
            try c.encode(analysis.isFake, forKey: .isFake)
            try c.encode(analysis.confidence, forKey: .confidence)
            try c.encode(analysis.manipulationProbability, forKey: .manipulationProbability)
            if detail { try c.encode(analysis, forKey: .analysis) }
        }
    }

    static func print(_ analysis: Analysis, detail: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(Seed(analysis: analysis, detail: detail))
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }

    /// 0 real, 1 fake, 2 uncertain or no speech.
    static func exitStatus(_ analysis: Analysis) -> Int32 {
        if analysis.verdict.uncertain || analysis.manipulationProbability == nil { return 2 }
        return analysis.isFake ? 1 : 0
    }
}

/// A short human summary.
enum DetectionTable {
    static func render(_ a: Analysis, file: String) -> String {
        var rows: [(String, String)] = [("file", file)]
        let verdict: String
        switch a.verdict.status {
        case .noSpeech: verdict = "no speech — nothing to judge"
        default: verdict = (a.isFake ? "FAKE" : "real") + (a.verdict.uncertain ? " (uncertain)" : "")
        }
        rows.append(("verdict", verdict))
        if let p = a.manipulationProbability {
            rows.append(("manipulation probability", String(format: "%.3f (threshold %.2f)", p, a.verdict.threshold)))
        }
        rows.append(("duration", String(format: "%.2f s, %d frames, %d windows%@", a.clip.durationSeconds, a.clip.frames, a.clip.windows, a.clip.padded ? " (padded)" : "")))
        if let o = a.offset {
            let direction = o.offsetFrames == 0 ? "in sync" : o.offsetFrames > 0 ? "audio leads video" : "audio lags video"
            rows.append(("AV offset", String(format: "%+d frames (%+.0f ms, %@), confidence %.3f", o.offsetFrames, o.offsetMilliseconds, direction, o.confidence)))
        }
        if let cue = a.modelFreeCue {
            rows.append(("model-free cue", String(format: "best shift %+d frames, correlation %.2f", cue.bestShiftFrames, cue.correlation)))
        }
        rows.append(("flagged segments", a.segments.isEmpty ? "none" : a.segments.map {
            String(format: "%.2f–%.2f s %@ %.2f", $0.start, $0.end, $0.kind.rawValue, $0.score)
        }.joined(separator: "; ")))
        rows.append(("weights", String((a.provenance.weightsSHA256 ?? "-").prefix(16)) + "… (" + (a.provenance.preset ?? "?") + ")"))
        rows.append(("input sha256", a.provenance.inputSHA256 ?? "-"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}

/// Builds the analyzer from a weights file and reads the decision threshold stored with it.
enum AnalyzerFactory {
    static func make(weights: String?) throws -> (analyzer: Analyzer, storedThreshold: Float?) {
        let url = try WeightsLocator.locate(weights)
        let analyzer = try Analyzer(weights: url, version: SyncDefenseVersion.string)
        return (analyzer, analyzer.storedThreshold)
    }
}
