import ArgumentParser
import Dispatch
import Forensics
import Foundation
import Model
import Tensor
import Training

/// `syncdefense eval`: clip-level and frame-level metrics of weights on a labelled manifest.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate weights on a manifest: AUC, AP, EER, accuracy/F1, FPR at 95% TPR, per kind, offset size and SNR.",
        discussion: """
        Every clip goes through the same analysis as `detect` (windows, mean of the voiced ones); the \
        report also scores other window-aggregation rules (median, max, top-K means) on the same windows. \
        --calibrate chooses the threshold on this manifest (the one that maximises TPR − FPR; use a \
        validation split, never the test split) and, with --write-weights, stores it in a copy of the \
        weights so `detect` uses it.
        """
    )

    @Option(name: .customLong("manifest"), help: "A manifest.jsonl (repeat for several).")
    var manifests: [String]

    @Option(help: "Weights file (default: the shipped compact weights).")
    var weights: String?

    @Option(help: "Decision threshold (default: the one stored with the weights, else 0.5).")
    var threshold: Float?

    @Flag(help: "Choose the threshold on this manifest (maximum TPR − FPR).")
    var calibrate = false

    @Option(name: .customLong("write-weights"), help: "With --calibrate: write the weights with the chosen threshold here.")
    var writeWeights: String?

    @Option(help: "Write the report JSON (with every clip's result) here.")
    var out: String?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Option(help: "Clips analysed in parallel (each with one engine thread).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard !manifests.isEmpty else { throw ValidationError("give at least one --manifest") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1…64") }
        if writeWeights != nil && !calibrate { throw ValidationError("--write-weights needs --calibrate") }
    }

    func run() async throws {
        Engine.setThreadCount(1)
        var loaded: [TrainingExample] = []
        for manifest in manifests { loaded += try TrainingManifest.load(URL(fileURLWithPath: manifest)) }
        let examples = loaded
        let weightsURL = try WeightsLocator.locate(weights)
        let prototype = try Analyzer(weights: weightsURL, version: SyncDefenseVersion.string)
        // One model per worker: a model's forward pass is not shared between threads.
        let analyzers = try [prototype] + (1..<jobs).map { _ in try Analyzer(weights: weightsURL, version: SyncDefenseVersion.string) }
        final class Box: @unchecked Sendable { var results: [EvaluatedClip?]; let lock = NSLock(); var done = 0
            init(_ n: Int) { results = Array(repeating: nil, count: n) } }
        let box = Box(examples.count)
        let progress = ProgressLine(label: "clips", total: examples.count)
        let next = WorkCounter()
        // Manifests list mouth-centred clips, which training reads whole: evaluate them the same way
        // (no face search, whose first pass could otherwise find a face-like mouth).
        let options: AnalysisOptions = {
            var options = AnalysisOptions()
            options.framing = .wholeFrame
            return options
        }()
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            let analyzer = analyzers[worker]
            while let i = next.take(below: examples.count) {
                let example = examples[i]
                let result: EvaluatedClip
                do {
                    let analysis = try analyzer.analyze(path: example.url.path, options: options)
                    result = EvaluatedClip(example: example, probability: analysis.manipulationProbability,
                                           estimatedOffset: analysis.offset?.offsetFrames, frameSync: analysis.timelines.sync,
                                           windowProbabilities: analysis.verdict.votingWindowProbabilities, error: nil)
                } catch {
                    result = EvaluatedClip(example: example, probability: nil, estimatedOffset: nil, frameSync: nil, error: "\(error)")
                }
                let done = box.lock.withLock { box.results[i] = result; box.done += 1; return box.done }
                progress.update(done, of: examples.count)
            }
        }
        progress.finish()
        let clips = box.results.compactMap { $0 }
        for failed in clips.filter({ $0.error != nil }).prefix(5) { printError("failed: \(failed.path): \(failed.error ?? "")") }
        var chosen = threshold ?? prototype.storedThreshold ?? 0.5
        if calibrate {
            let valid = clips.filter { $0.error == nil }
            let points = DetectionMetrics.rocPoints(scores: valid.map { $0.probability ?? 0.5 }, labels: valid.map(\.label))
            if let best = points.filter({ $0.threshold.isFinite }).max(by: { ($0.tpr - $0.fpr) < ($1.tpr - $1.fpr) }) {
                chosen = best.threshold
                printError(String(format: "calibrated threshold %.4f (TPR %.4f, FPR %.4f on %d clips)", chosen, best.tpr, best.fpr, valid.count))
            }
            if let writeWeights {
                var metadata = prototype.weightsMetadata
                metadata[Analyzer.thresholdKey] = String(chosen)
                metadata["syncdefense.detection.threshold_rule"] = "max TPR - FPR on \(manifests.joined(separator: ", "))"
                metadata.removeValue(forKey: SyncDefenseModel.configurationKey)
                metadata.removeValue(forKey: SyncDefenseModel.formatKey)
                try prototype.model.save(to: URL(fileURLWithPath: writeWeights), metadata: metadata)
                printError("wrote \(writeWeights)")
            }
        }
        let report = EvaluationReport(clips: clips, threshold: chosen)
        if let out {
            struct Saved: Encodable { var report: EvaluationReport; var clips: [EvaluatedClip]; var weights: String; var weightsSHA256: String?
                enum CodingKeys: String, CodingKey { case report, clips, weights, weightsSHA256 = "weights_sha256" } }
            let data = try JSONOutput.encoder().encode(Saved(report: report, clips: clips, weights: weightsURL.path, weightsSHA256: prototype.weightsSHA256))
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
        }
        if json { try JSONOutput.print(report) } else { print(report.table()) }
    }
}
