import ArgumentParser
import Forensics
import Foundation
import Media
import Report

/// `syncdefense report FILE -o DIR`: the evidence report.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an evidence report: report.json, report.html, report.md, key frames and a SHA-256 manifest.",
        discussion: """
        The folder is written atomically (a temporary folder renamed into place); an existing folder is \
        refused unless --force. Format: Docs/report-format.md. Exit status 0 when written, 3 when the \
        file could not be analysed or the report not written.
        """
    )

    @Argument(help: "The clip.")
    var file: String

    @Option(name: [.customShort("o"), .customLong("out")], help: "Report folder to create.")
    var out: String

    @Flag(help: "Replace an existing report folder.")
    var force = false

    @Option(help: "Analyst name recorded in the chain of custody.")
    var analyst: String?

    @OptionGroup var verdict: VerdictOptions

    @OptionGroup var limits: MediaLimitOptions

    func run() async throws {
        do {
            let url = try WeightsLocator.locate(verdict.weights)
            let analyzer = try Analyzer(weights: url, version: SyncDefenseVersion.string)
            let folder = try EvidenceReportMaker.write(analyzer: analyzer, weightsPath: url.path, inputPath: file,
                                                       framing: try verdict.framing, faceCascade: verdict.faceCascade,
                                                       threshold: verdict.threshold, margin: verdict.margin,
                                                       aggregation: try verdict.aggregationRule, limits: limits.limits,
                                                       analyst: analyst, bookmarks: [], force: force, to: URL(fileURLWithPath: out))
            printError("wrote \(folder.path)")
        } catch {
            printError("syncdefense report: \(file): \(error)")
            throw ExitCode(3)
        }
    }
}

/// The one way reports are made (the command, the workbench's export key and the HTTP API).
enum EvidenceReportMaker {
    static func write(analyzer: Analyzer, weightsPath: String?, inputPath: String, framing: MouthFraming, faceCascade: String?,
                      threshold: Float?, margin: Float = 0.1, aggregation: AggregationRule = .mean, limits: MediaLimits, analyst: String?, bookmarks: [Bookmark], force: Bool,
                      to folder: URL) throws -> URL {
        var options = AnalysisOptions()
        options.framing = framing
        options.faceCascade = faceCascade
        options.aggregator.margin = margin
        options.aggregator.rule = aggregation
        options.limits = limits
        options.keepExplanations = true
        options.aggregator.threshold = threshold ?? analyzer.storedThreshold ?? 0.5
        let analysis = try analyzer.analyze(path: inputPath, options: options)
        return try write(analysis: analysis, analyzer: analyzer, weightsPath: weightsPath, inputPath: inputPath, region: options.region,
                         analyst: analyst, bookmarks: bookmarks, force: force, to: folder)
    }

    static func write(analysis: Analysis, analyzer: Analyzer, weightsPath: String?, inputPath: String, region: RegionOfInterest?,
                      analyst: String?, bookmarks: [Bookmark], force: Bool, to folder: URL) throws -> URL {
        var report = ReportOptions()
        report.force = force
        report.analyst = analyst
        report.bookmarks = bookmarks
        report.toolVersion = SyncDefenseVersion.string
        report.weightsPath = weightsPath
        report.trainingSummary = trainingSummary(analyzer.weightsMetadata)
        let c = analyzer.model.configuration
        return try ReportWriter.write(analysis: analysis, inputPath: inputPath, region: region, cropHeight: c.cropHeight,
                                      cropWidth: c.cropWidth, options: report, to: folder)
    }

    /// What the weights' metadata says about how they were made.
    static func trainingSummary(_ metadata: [String: String]) -> String? {
        guard let corpus = metadata["syncdefense.training.corpus_sha256"] else { return nil }
        var parts = ["Trained by `syncdefense train` (Weights/MODEL_CARD.md) on the synthetic corpus with SHA-256 \(corpus)"]
        if let steps = metadata["syncdefense.training.steps"] { parts.append("for \(steps) steps") }
        if let seed = metadata["syncdefense.training.seed"] { parts.append("with seed \(seed)") }
        var text = parts.joined(separator: " ") + "."
        if let auc = metadata["syncdefense.training.best_validation_auc"] { text += " Best validation AUC \(auc)." }
        if let t = metadata[Analyzer.thresholdKey] { text += " Threshold \(t), chosen on the validation split." }
        return text
    }
}
