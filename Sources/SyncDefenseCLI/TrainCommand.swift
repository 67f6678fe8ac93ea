import ArgumentParser
import Dispatch
import Foundation
import Model
import Tensor
import Training

/// `syncdefense train`: the staged training protocol over one or more manifests.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the detector on manifests of labelled clips (the synth command's, or any corpus in that form).",
        discussion: """
        Decodes every clip once into a feature cache, then runs the plan's stages (contrastive \
        pre-training, heads on frozen encoders, gradual unfreezing) with validation, early stopping and \
        checkpoints. Ctrl-C saves a checkpoint; --resume continues it bit for bit. The run folder gets \
        log.jsonl, checkpoint/, best.safetensors and final.safetensors. See Docs/training.md.
        """
    )

    @Option(name: .customLong("manifest"), help: "A manifest.jsonl (repeat for several).")
    var manifests: [String]

    @Option(help: "Training plan (JSON); Training/compact-v1.json made the shipped weights.")
    var plan: String

    @Option(help: "Run folder (log, checkpoints, weights).")
    var out: String

    @Option(help: "Feature cache folder (default: OUT/../feature-cache).")
    var cache: String?

    @Flag(help: "Continue the checkpoint in the run folder.")
    var resume = false

    @Option(name: .customLong("init-weights"), help: "Start from these weights (same preset) instead of a random initialisation.")
    var initWeights: String?

    @Option(help: "Clips decoded in parallel while filling the cache.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Threads for the tensor engine.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("weights-out"), help: "Copy the final weights here as well.")
    var weightsOut: String?

    @Flag(help: "Smoke test: train on one repeated batch and fail unless the loss falls (for CI).")
    var smoke = false

    func validate() throws {
        guard !manifests.isEmpty else { throw ValidationError("give at least one --manifest") }
        guard (1...64).contains(jobs), (1...64).contains(threads) else { throw ValidationError("--jobs and --threads must be 1…64") }
    }

    func run() async throws {
        Engine.setThreadCount(threads)
        let trainingPlan = try TrainingPlan.load(URL(fileURLWithPath: plan))
        guard let configuration = ModelConfiguration.presets[trainingPlan.preset] else { throw ValidationError("unknown preset") }
        var examples: [TrainingExample] = []
        for manifest in manifests { examples += try TrainingManifest.load(URL(fileURLWithPath: manifest)) }
        let runFolder = URL(fileURLWithPath: out)
        let cacheFolder = cache.map { URL(fileURLWithPath: $0) } ?? runFolder.deletingLastPathComponent().appendingPathComponent("feature-cache")
        let featureCache = try FeatureCache(folder: cacheFolder, cropHeight: configuration.cropHeight, cropWidth: configuration.cropWidth)
        let decoding = ProgressLine(label: "clips decoded", total: examples.count)
        let data = try TrainingData.load(examples, cache: featureCache, windowFrames: configuration.windowFrames,
                                         validationFraction: trainingPlan.validationFraction, jobs: jobs,
                                         progress: { done, total in decoding.update(done, of: total) })
        decoding.finish()
        for (path, reason) in data.skipped.prefix(10) { printError("skipped \(path): \(reason)") }
        if data.skipped.count > 10 { printError("… and \(data.skipped.count - 10) more skipped") }
        printError("corpus sha256 \(data.corpusSHA256): \(data.training.count) training clips (\(data.trainingGenuine.count) genuine), \(data.validation.count) validation clips")

        // The validation clips as a manifest of absolute paths, for `syncdefense eval --calibrate`.
        try FileManager.default.createDirectory(at: runFolder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines = Data()
        for index in data.validation {
            var example = data.examples[index]
            example.path = example.url.path
            lines.append(try encoder.encode(example))
            lines.append(0x0A)
        }
        try lines.write(to: runFolder.appendingPathComponent("validation.jsonl"), options: .atomic)

        let trainer = try Trainer(plan: trainingPlan, data: data, folder: runFolder, resume: resume,
                                  initialWeights: initWeights.map { URL(fileURLWithPath: $0) })
        trainer.repeatFirstBatch = smoke
        if resume { printError("resuming at step \(trainer.progress.globalStep) (stage \(trainer.progress.stage + 1) of \(trainingPlan.stages.count))") }
        let interrupt = InterruptFlag()
        let line = TrainingProgressLine()
        var losses: [Float] = []
        let weights = try trainer.run(shouldStop: { interrupt.isSet }) { event in
            switch event {
            case let .step(stage, stageStep, stageSteps, globalStep, totalSteps, loss, rate):
                losses.append(loss)
                line.update(stage: stage, stageStep: stageStep, stageSteps: stageSteps, globalStep: globalStep,
                            totalSteps: totalSteps, loss: loss, windowsPerSecond: rate, batch: trainingPlan.batchSize)
            case let .validation(step, auc, windowAUC, clips, improved):
                line.message(String(format: "step %d: validation AUC %.4f (windows %.4f) on %d clips%@", step, auc ?? .nan,
                                    windowAUC ?? .nan, clips, improved ? " — best so far" : ""))
            case let .checkpoint(step):
                line.message("checkpoint at step \(step)")
            case let .stageEnded(name, reason):
                line.message("stage \(name) ended: \(reason)")
            }
        }
        line.finish()
        if interrupt.isSet {
            printError("stopped; checkpoint saved at step \(trainer.progress.globalStep). Run the same command with --resume to continue.")
            throw ExitCode(130)
        }
        if let weightsOut {
            let target = URL(fileURLWithPath: weightsOut)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: weights, to: target)
        }
        if smoke {
            let k = max(1, min(3, losses.count / 3))
            let first = losses.prefix(k).reduce(0, +) / Float(k), last = losses.suffix(k).reduce(0, +) / Float(k)
            printError(String(format: "smoke: loss %.4f → %.4f over %d steps", first, last, losses.count))
            guard last < first * 0.9 else { throw TrainingError.lossDidNotFall(first: first, last: last) }
        }
        try JSONOutput.print(TrainSummary(weights: weightsOut ?? weights.path, steps: trainer.progress.globalStep,
                                          bestValidationAUC: trainer.progress.bestAUC, bestStep: trainer.progress.bestStep,
                                          corpusSHA256: data.corpusSHA256, trainingClips: data.training.count,
                                          validationClips: data.validation.count, firstLoss: losses.first, lastLoss: losses.last))
    }

    struct TrainSummary: Encodable {
        var weights: String
        var steps: Int
        var bestValidationAUC: Double?
        var bestStep: Int?
        var corpusSHA256: String
        var trainingClips: Int
        var validationClips: Int
        var firstLoss: Float?
        var lastLoss: Float?

        enum CodingKeys: String, CodingKey {
            case weights, steps
            case bestValidationAUC = "best_validation_auc"
            case bestStep = "best_step"
            case corpusSHA256 = "corpus_sha256"
            case trainingClips = "training_clips"
            case validationClips = "validation_clips"
            case firstLoss = "first_loss"
            case lastLoss = "last_loss"
        }
    }
}

/// The training progress line: stage, step, loss (running mean), throughput and time left.
final class TrainingProgressLine: @unchecked Sendable {
    private let interactive = isatty(STDERR_FILENO) != 0
    private let started = DispatchTime.now()
    private var lastPrinted = -100.0
    private var recent: [Float] = []

    func update(stage: String, stageStep: Int, stageSteps: Int, globalStep: Int, totalSteps: Int, loss: Float,
                windowsPerSecond: Double, batch: Int) {
        recent.append(loss)
        if recent.count > 20 { recent.removeFirst() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        guard interactive || elapsed - lastPrinted >= 30 else { return }
        lastPrinted = elapsed
        let mean = recent.reduce(0, +) / Float(recent.count)
        let stepsPerSecond = windowsPerSecond / Double(max(batch, 1))
        let left = stepsPerSecond > 0 ? Double(totalSteps - globalStep) / stepsPerSecond : 0
        let width = 20
        let filled = totalSteps > 0 ? width * globalStep / totalSteps : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let text = String(format: "%@ %@ %d/%d · step %d/%d · loss %.4f · %.1f windows/s · ETA %@", bar, stage, stageStep, stageSteps,
                          globalStep, totalSteps, mean, windowsPerSecond, Self.duration(left))
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + text + (interactive ? "" : "\n")).utf8))
    }

    func message(_ text: String) {
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
