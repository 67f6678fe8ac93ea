import Dispatch
import Forensics
import Foundation
import Media
import Model
import Tensor

/// Where a run stands; saved with every checkpoint.
public struct TrainingProgress: Codable, Sendable, Equatable {
    /// Index of the current stage and steps done in it.
    public var stage = 0
    public var stageStep = 0
    public var globalStep = 0
    /// Best validation AUC so far, its global step, and validations since it improved.
    public var bestAUC: Double?
    public var bestStep: Int?
    public var staleValidations = 0
    public var finished = false
    /// Seconds of training so far (across resumes).
    public var seconds = 0.0
    public var planSHA256 = ""
    public var corpusSHA256 = ""
    /// SHA-256 of the weights the run started from; nil for a random start.
    public var initialisedFrom: String?

    enum CodingKeys: String, CodingKey {
        case stage, stageStep = "stage_step", globalStep = "global_step", bestAUC = "best_auc", bestStep = "best_step"
        case staleValidations = "stale_validations", finished, seconds
        case planSHA256 = "plan_sha256", corpusSHA256 = "corpus_sha256", initialisedFrom = "initialised_from_sha256"
    }
}

/// What the trainer reports as it goes.
public enum TrainingEvent: Sendable {
    case step(stage: String, stageStep: Int, stageSteps: Int, globalStep: Int, totalSteps: Int, loss: Float, windowsPerSecond: Double)
    case validation(globalStep: Int, auc: Double?, windowAUC: Double?, clips: Int, improved: Bool)
    case checkpoint(globalStep: Int)
    case stageEnded(name: String, reason: String)
}

/// One step's numbers.
public struct StepRecord: Codable, Sendable {
    public var event = "step"
    public var stage: String
    public var stageStep: Int
    public var globalStep: Int
    public var loss: Float
    public var clip: Float
    public var sync: Float
    public var contrastive: Float
    public var artifact: Float
    public var learningRate: Float
    public var gradientNorm: Float
    public var windowsPerSecond: Double
    public var seconds: Double
}

/// Runs a `TrainingPlan` over `TrainingData`: the staged protocol, validation with early stopping,
/// checkpoints that resume bit for bit, a JSON-lines log.
///
/// Run folder: `log.jsonl`, `checkpoint/` (`model.safetensors`, `optimizer.safetensors`,
/// `progress.json`), `best.safetensors` (best validation AUC), `final.safetensors`.
public final class Trainer {
    public let plan: TrainingPlan
    public let data: TrainingData
    public let folder: URL
    public private(set) var model: SyncDefenseModel
    public private(set) var progress: TrainingProgress
    private var optimizer: AdamW
    private let augmentation: Augmentation
    private let log: FileHandle
    /// Repeat step 0's batch every step (the smoke test: the loss on one batch must fall).
    public var repeatFirstBatch = false

    /// Starts a run in `folder`, or continues the checkpoint there when `resume` is true.
    /// - Throws: `TrainingError.badCheckpoint` when resuming from a checkpoint of another plan or corpus.
    /// - Parameter initialWeights: a weights file to start from (its configuration and input
    ///   normalisation are kept) instead of a random initialisation; ignored when resuming.
    public init(plan: TrainingPlan, data: TrainingData, folder: URL, resume: Bool, initialWeights: URL? = nil) throws {
        self.plan = plan
        self.data = data
        self.folder = folder
        augmentation = plan.augmentation ?? Augmentation()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let planHash = SHA256.hex(try plan.canonicalJSON())
        let checkpoint = folder.appendingPathComponent("checkpoint")
        if resume, FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent("progress.json").path) {
            let saved = try JSONDecoder().decode(TrainingProgress.self, from: Data(contentsOf: checkpoint.appendingPathComponent("progress.json")))
            guard saved.planSHA256 == planHash else {
                throw TrainingError.badCheckpoint(path: checkpoint.path, reason: "it was made with another plan (sha256 \(saved.planSHA256.prefix(12))…, this plan \(planHash.prefix(12))…)")
            }
            guard saved.corpusSHA256 == data.corpusSHA256 else {
                throw TrainingError.badCheckpoint(path: checkpoint.path, reason: "it was made from another corpus (sha256 \(saved.corpusSHA256.prefix(12))…, now \(data.corpusSHA256.prefix(12))…)")
            }
            let modelFile = try SafeTensorsFile(contentsOf: checkpoint.appendingPathComponent("model.safetensors"))
            guard modelFile.metadata["syncdefense.training.global_step"] == String(saved.globalStep) else {
                throw TrainingError.badCheckpoint(path: checkpoint.path, reason: "model and progress disagree on the step")
            }
            model = try SyncDefenseModel(file: modelFile)
            progress = saved
            optimizer = try Self.makeOptimizer(model: model, plan: plan, progress: saved)
            let state = try SafeTensorsFile(contentsOf: checkpoint.appendingPathComponent("optimizer.safetensors"))
            var tensors: [String: Tensor] = [:]
            for name in state.names { tensors[name] = try state.tensor(named: name) }
            try optimizer.load(state: tensors)
        } else {
            guard var configuration = ModelConfiguration.presets[plan.preset] else { throw TrainingError.badPlan("unknown preset \(plan.preset)") }
            if let f = data.features.first,
               f.melBands != configuration.melBands || f.cropHeight != configuration.cropHeight || f.cropWidth != configuration.cropWidth
                || configuration.melFrames != configuration.windowFrames * f.melFrames / max(f.frameCount, 1) {
                throw TrainingError.badPlan("preset \(plan.preset) takes \(configuration.melBands) mel bands, \(configuration.cropWidth)×\(configuration.cropHeight) crops and \(configuration.melFrames) mel frames per \(configuration.windowFrames)-frame window; the features have \(f.melBands) bands and \(f.cropWidth)×\(f.cropHeight) crops")
            }
            if let initialWeights {
                let file = try SafeTensorsFile(contentsOf: initialWeights)
                model = try SyncDefenseModel(file: file)
                guard model.configuration.name == configuration.name else {
                    throw TrainingError.badPlan("the plan trains preset \(configuration.name); \(initialWeights.path) holds preset \(model.configuration.name)")
                }
            } else {
                configuration.inputNormalization = data.measuredNormalization()
                model = try SyncDefenseModel(configuration: configuration, source: .random(seed: plan.seed))
            }
            progress = TrainingProgress(planSHA256: planHash, corpusSHA256: data.corpusSHA256,
                                        initialisedFrom: try initialWeights.map { try SHA256.hex(fileAt: $0) })
            optimizer = try Self.makeOptimizer(model: model, plan: plan, progress: progress)
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("log.jsonl"))
        }
        let logURL = folder.appendingPathComponent("log.jsonl")
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        try writeLog(["event": "start", "resumed": resume && progress.globalStep > 0, "global_step": progress.globalStep,
                      "corpus_sha256": data.corpusSHA256, "training_clips": data.training.count,
                      "validation_clips": data.validation.count, "plan_sha256": progress.planSHA256])
    }

    deinit { try? log.close() }

    public var totalSteps: Int { plan.stages.reduce(0) { $0 + $1.steps } }

    /// Trains until the plan ends or `shouldStop` returns true (then a checkpoint is saved).
    /// - Returns: the weights file to ship: the best validated weights, or the last.
    @discardableResult
    public func run(shouldStop: () -> Bool, report: (TrainingEvent) -> Void) throws -> URL {
        var lastCheckpoint = DispatchTime.now()
        var windowsDone = 0
        var rateStart = DispatchTime.now()
        while !progress.finished {
            if shouldStop() {
                try saveCheckpoint()
                report(.checkpoint(globalStep: progress.globalStep))
                return folder.appendingPathComponent("checkpoint/model.safetensors")
            }
            let stage = plan.stages[progress.stage]
            let started = DispatchTime.now()
            let record = try step()
            progress.seconds += Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            windowsDone += plan.batchSize
            let rateSeconds = Double(DispatchTime.now().uptimeNanoseconds - rateStart.uptimeNanoseconds) / 1e9
            let rate = Double(windowsDone) / max(rateSeconds, 1e-9)
            if rateSeconds > 60 { windowsDone = 0; rateStart = DispatchTime.now() }
            var logged = record
            logged.windowsPerSecond = rate
            try writeLog(logged)
            report(.step(stage: stage.name, stageStep: progress.stageStep, stageSteps: stage.steps, globalStep: progress.globalStep,
                         totalSteps: totalSteps, loss: record.loss, windowsPerSecond: rate))
            var endReason: String? = progress.stageStep >= stage.steps ? "completed \(stage.steps) steps" : nil
            if plan.validateEvery > 0, !data.validation.isEmpty,
               progress.globalStep % plan.validateEvery == 0 || endReason != nil {
                let result = try validate()
                let improved = result.auc.map { $0 > (progress.bestAUC ?? -1) } ?? false
                if improved {
                    progress.bestAUC = result.auc
                    progress.bestStep = progress.globalStep
                    progress.staleValidations = 0
                    try model.save(to: folder.appendingPathComponent("best.safetensors"), metadata: provenance())
                } else if stage.earlyStoppingPatience != nil {
                    progress.staleValidations += 1
                }
                try writeLog(["event": "validation", "global_step": progress.globalStep, "stage": stage.name,
                              "auc": result.auc ?? -1, "window_auc": result.windowAUC ?? -1, "clips": result.clips, "improved": improved])
                report(.validation(globalStep: progress.globalStep, auc: result.auc, windowAUC: result.windowAUC, clips: result.clips, improved: improved))
                if let patience = stage.earlyStoppingPatience, progress.staleValidations >= patience, endReason == nil {
                    endReason = "early stop: no better validation AUC in \(patience) validations"
                }
            }
            if let reason = endReason {
                try writeLog(["event": "stage_end", "stage": stage.name, "global_step": progress.globalStep, "reason": reason])
                report(.stageEnded(name: stage.name, reason: reason))
                progress.stage += 1
                progress.stageStep = 0
                progress.staleValidations = 0
                if progress.stage >= plan.stages.count { progress.finished = true } else { optimizer = try makeOptimizer() }
            } else if progress.stageStep > 0, stage.unfreezeEvery.map({ progress.stageStep % $0 == 0 }) == true {
                // The next group of encoder stages joins; the moments of the others carry over.
                let state = optimizer.state
                optimizer = try makeOptimizer()
                try optimizer.load(state: state)
            }
            if Double(DispatchTime.now().uptimeNanoseconds - lastCheckpoint.uptimeNanoseconds) / 60e9 >= plan.checkpointMinutes || progress.finished {
                try saveCheckpoint()
                report(.checkpoint(globalStep: progress.globalStep))
                lastCheckpoint = DispatchTime.now()
            }
        }
        let best = folder.appendingPathComponent("best.safetensors")
        let final = folder.appendingPathComponent("final.safetensors")
        if progress.bestAUC != nil, FileManager.default.fileExists(atPath: best.path) {
            let file = try SafeTensorsFile(contentsOf: best)
            model = try SyncDefenseModel(file: file)
        }
        try model.save(to: final, metadata: provenance())
        try writeLog(["event": "end", "global_step": progress.globalStep, "best_auc": progress.bestAUC ?? -1, "best_step": progress.bestStep ?? -1])
        return final
    }

    /// One optimisation step of the current stage.
    func step() throws -> StepRecord {
        let stage = plan.stages[progress.stage]
        let windows = try sampleBatch(step: repeatFirstBatch ? 0 : progress.globalStep, genuineOnly: stage.genuineOnly == true)
        let (video, mel, targets) = try TrainingWindow.batch(windows, configuration: model.configuration)
        model.reseedDropout(Self.mix(plan.seed ^ 0xD120_9047, UInt64(progress.globalStep)))
        optimizer.zeroGrad()
        let outputs = try model(video: video, mel: mel, training: true)
        let losses = try TrainingLoss.total(outputs, targets, weights: stage.losses)
        try losses.total.backward()
        let trainable = optimizer.parameters.filter { !$0.isFrozen }
        let norm = clipGradientNorm(trainable, maxNorm: plan.gradientClip)
        let schedule = WarmupCosineSchedule(warmupSteps: stage.warmupSteps, totalSteps: stage.steps, floor: 0.05)
        let scale = schedule.factor(atStep: progress.stageStep)
        optimizer.step(learningRateScale: scale)
        optimizer.zeroGrad()
        progress.stageStep += 1
        progress.globalStep += 1
        return StepRecord(stage: stage.name, stageStep: progress.stageStep, globalStep: progress.globalStep,
                          loss: try losses.total.item(), clip: try losses.clip.item(), sync: try losses.sync.item(),
                          contrastive: try losses.contrastive.item(), artifact: try losses.artifact.item(),
                          learningRate: stage.learningRate * scale, gradientNorm: norm, windowsPerSecond: 0, seconds: progress.seconds)
    }

    /// The windows of global step `step`: drawn from a generator seeded by the plan's seed and
    /// the step alone, so a resumed run sees the same data.
    func sampleBatch(step: Int, genuineOnly: Bool) throws -> [TrainingWindow] {
        var random = Xoshiro256(seed: Self.mix(plan.seed, UInt64(step)))
        let pool = genuineOnly ? data.trainingGenuine : data.training
        guard !pool.isEmpty else { throw TrainingError.notEnoughData(genuineOnly ? "no genuine training clips" : "no training clips") }
        let c = model.configuration
        return (0..<plan.batchSize).map { _ in
            let index = pool[Int(random.next() % UInt64(pool.count))]
            let features = data.features[index]
            let start = Int(random.next() % UInt64(features.frameCount - c.windowFrames + 1))
            var window = TrainingWindow(example: data.examples[index], features: features, start: start, length: c.windowFrames)
            augmentation.apply(to: &window, height: c.cropHeight, width: c.cropWidth, using: &random)
            return window
        }
    }

    /// Validation: every held-out clip scored as the largest fake probability over windows at its
    /// start, middle and end (evaluation mode, no augmentation).
    public func validate() throws -> (auc: Double?, windowAUC: Double?, clips: Int) {
        let c = model.configuration
        var clipScores: [Float] = [], clipLabels: [Int] = [], windowScores: [Float] = [], windowLabels: [Int] = []
        try withNoGrad {
            for index in data.validation {
                let f = data.features[index]
                let last = f.frameCount - c.windowFrames
                let starts = Array(Set([0, last / 2, last])).sorted()
                let windows = starts.map { TrainingWindow(example: data.examples[index], features: f, start: $0, length: c.windowFrames) }
                let (video, mel, _) = try TrainingWindow.batch(windows, configuration: c)
                let p = try model(video: video, mel: mel, training: false).probability.scalars
                clipScores.append(p.max() ?? 0)
                clipLabels.append(data.examples[index].label)
                windowScores += p
                windowLabels += windows.map { Int($0.label) }
            }
        }
        return (DetectionMetrics.rocAUC(scores: clipScores, labels: clipLabels),
                DetectionMetrics.rocAUC(scores: windowScores, labels: windowLabels), clipScores.count)
    }

    /// An optimiser over the parameters the current stage trains; everything else is frozen.
    private func makeOptimizer() throws -> AdamW {
        try Self.makeOptimizer(model: model, plan: plan, progress: progress)
    }

    private static func makeOptimizer(model: SyncDefenseModel, plan: TrainingPlan, progress: TrainingProgress) throws -> AdamW {
        let stage = plan.stages[min(progress.stage, plan.stages.count - 1)]
        let groupsUnfrozen = stage.unfreezeEvery.map { min(progress.stageStep / $0, stage.unfreeze?.count ?? 0) } ?? 0
        let unfrozen = Array((stage.unfreeze ?? []).prefix(groupsUnfrozen).joined())
        var head: [Parameter] = [], backbone: [Parameter] = []
        for parameter in model.parameters {
            if TrainingStage.matches(parameter.name, stage.trainable) {
                parameter.isFrozen = false
                head.append(parameter)
            } else if TrainingStage.matches(parameter.name, unfrozen) {
                parameter.isFrozen = false
                backbone.append(parameter)
            } else {
                parameter.isFrozen = true
            }
        }
        guard !head.isEmpty else { throw TrainingError.badPlan("stage \(stage.name): trainable \(stage.trainable) matches no parameter") }
        let backboneRate = stage.learningRate * (stage.backboneLearningRateFactor ?? 1)
        func split(_ name: String, _ parameters: [Parameter], _ rate: Float) -> [ParameterGroup] {
            let decayed = parameters.filter { $0.shape.count > 1 }, plain = parameters.filter { $0.shape.count <= 1 }
            return [ParameterGroup(name: "\(name).weights", parameters: decayed, learningRate: rate, weightDecay: plan.weightDecay),
                    ParameterGroup(name: "\(name).other", parameters: plain, learningRate: rate, weightDecay: 0)]
                .filter { !$0.parameters.isEmpty }
        }
        return try AdamW(groups: split("head", head, stage.learningRate) + split("backbone", backbone, backboneRate))
    }

    /// Writes model, optimiser state and progress into `checkpoint/` atomically (a new folder
    /// renamed over the old one).
    public func saveCheckpoint() throws {
        let fm = FileManager.default
        let target = folder.appendingPathComponent("checkpoint")
        let fresh = folder.appendingPathComponent("checkpoint.new")
        let old = folder.appendingPathComponent("checkpoint.old")
        try? fm.removeItem(at: fresh)
        try fm.createDirectory(at: fresh, withIntermediateDirectories: true)
        var meta = provenance()
        meta["syncdefense.training.global_step"] = String(progress.globalStep)
        try model.save(to: fresh.appendingPathComponent("model.safetensors"), metadata: meta)
        try SafeTensorsWriter.write(optimizer.state, metadata: meta, to: fresh.appendingPathComponent("optimizer.safetensors"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(progress).write(to: fresh.appendingPathComponent("progress.json"))
        try? fm.removeItem(at: old)
        if fm.fileExists(atPath: target.path) { try fm.moveItem(at: target, to: old) }
        try fm.moveItem(at: fresh, to: target)
        try? fm.removeItem(at: old)
        try writeLog(["event": "checkpoint", "global_step": progress.globalStep])
    }

    /// Metadata written into every weights file: how it was made.
    func provenance() -> [String: String] {
        [
            "syncdefense.training.plan_sha256": progress.planSHA256,
            "syncdefense.training.corpus_sha256": data.corpusSHA256,
            "syncdefense.training.seed": String(plan.seed),
            "syncdefense.training.steps": String(progress.globalStep),
            "syncdefense.training.best_validation_auc": progress.bestAUC.map { String(format: "%.5f", $0) } ?? "none",
            "syncdefense.training.initialised_from_sha256": progress.initialisedFrom ?? "random",
        ]
    }

    private func writeLog<T: Encodable>(_ record: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var line = try encoder.encode(record)
        line.append(0x0A)
        log.write(line)
    }

    private func writeLog(_ fields: [String: any Sendable]) throws {
        var object: [String: Any] = [:]
        for (k, v) in fields { object[k] = v }
        var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        line.append(0x0A)
        log.write(line)
    }

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: a ^ (b &* 0x9E37_79B9_7F4A_7C15))
        return generator.next()
    }
}
