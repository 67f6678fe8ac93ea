import Foundation
import Model

/// A training run's settings and its named stages, read from a JSON file (snake_case keys).
/// `Training/compact-v1.json` is the plan of the shipped weights; `Docs/training.md` explains every key.
public struct TrainingPlan: Codable, Sendable, Equatable {
    /// Model preset ("compact", "seed", "tiny").
    public var preset: String
    /// Seed of initialisation, data order, augmentation and dropout.
    public var seed: UInt64
    /// Windows per step.
    public var batchSize: Int
    /// Share of the clips kept out of training to validate on (chosen by a hash of the path).
    public var validationFraction: Double
    /// Steps between validations (0 = never).
    public var validateEvery: Int
    /// Minutes between checkpoints.
    public var checkpointMinutes: Double
    /// Global gradient-norm clip.
    public var gradientClip: Float
    /// AdamW weight decay of weights (biases and norm parameters get none).
    public var weightDecay: Float
    /// Random changes applied to every training window; nil = the defaults.
    public var augmentation: Augmentation?
    public var stages: [TrainingStage]

    /// Reads and checks a plan file.
    /// - Throws: `TrainingError.badPlan` naming the problem.
    public static func load(_ url: URL) throws -> TrainingPlan {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw TrainingError.badPlan("cannot read \(url.path): \(error.localizedDescription)") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let plan: TrainingPlan
        do { plan = try decoder.decode(TrainingPlan.self, from: data) } catch {
            throw TrainingError.badPlan("\(url.path) does not decode: \(error)")
        }
        try plan.validate()
        return plan
    }

    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws { if !ok { throw TrainingError.badPlan(message) } }
        try require(ModelConfiguration.presets[preset] != nil, "unknown preset \(preset); choose from \(ModelConfiguration.presets.keys.sorted().joined(separator: ", "))")
        try require(batchSize >= 1 && batchSize <= 512, "batch_size must be 1…512")
        try require(validationFraction >= 0 && validationFraction < 1, "validation_fraction must be in [0, 1)")
        try require(validateEvery >= 0 && checkpointMinutes > 0 && gradientClip > 0 && weightDecay >= 0, "validate_every ≥ 0, checkpoint_minutes > 0, gradient_clip > 0, weight_decay ≥ 0")
        if let warp = augmentation?.melWarp {
            try require(warp.lowerBound >= 0.5 && warp.upperBound <= 2, "augmentation.mel_warp must lie within [0.5, 2] (e.g. [0.85, 1.15])")
        }
        if let limit = augmentation?.melBandLimit {
            try require(limit.lowerBound >= 1000 && limit.upperBound <= 8000, "augmentation.mel_band_limit must lie within [1000, 8000] Hz (e.g. [3400, 7000])")
        }
        if let p = augmentation?.melBandLimitProbability {
            try require(p >= 0 && p <= 1, "augmentation.mel_band_limit_probability must be in [0, 1]")
        }
        try require(!stages.isEmpty, "no stages")
        for stage in stages {
            try require(stage.steps >= 1 && stage.learningRate > 0 && stage.warmupSteps >= 0, "stage \(stage.name): steps ≥ 1, learning_rate > 0, warmup_steps ≥ 0")
            try require(!stage.trainable.isEmpty, "stage \(stage.name): trainable lists nothing")
            if let every = stage.unfreezeEvery { try require(every >= 1, "stage \(stage.name): unfreeze_every ≥ 1") }
        }
    }

    /// The plan's bytes as compact JSON with sorted keys (hashed into checkpoints).
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}

/// One named stage of the protocol.
public struct TrainingStage: Codable, Sendable, Equatable {
    public var name: String
    public var steps: Int
    /// Learning rate of the `trainable` parameters (after warm-up, cosine decay to 5 %).
    public var learningRate: Float
    public var warmupSteps: Int
    /// Key prefixes trained from the stage's first step ("visual", "cross", "visual.layer4", …).
    public var trainable: [String]
    /// Groups of key prefixes unfrozen one after another, every `unfreeze_every` steps, at
    /// `learning_rate · backbone_learning_rate_factor` (gradual unfreezing from the top stage down).
    public var unfreeze: [[String]]?
    public var unfreezeEvery: Int?
    public var backboneLearningRateFactor: Float?
    /// Weights of the loss terms.
    public var losses: LossWeights
    /// Only genuine clips (contrastive pre-training).
    public var genuineOnly: Bool?
    /// Stop the stage after this many validations without a better AUC (nil = never).
    public var earlyStoppingPatience: Int?

    /// Whether `name` lies under one of `prefixes`.
    static func matches(_ name: String, _ prefixes: [String]) -> Bool {
        prefixes.contains { name == $0 || name.hasPrefix($0 + ".") }
    }
}
