import Foundation

/// Every width, depth, head count, crop size, window length and dropout of the model (DESIGN §2).
/// The code is the same for every preset; only these numbers change.
public struct ModelConfiguration: Codable, Sendable, Equatable {
    /// The preset's name, written into the weights' metadata.
    public var name: String
    /// Mouth crop height and width in pixels.
    public var cropHeight: Int
    public var cropWidth: Int
    /// Video frames per window (25 fps; 50 = 2 s).
    public var windowFrames: Int
    /// Log-mel frames per window (100 per second; 200 = 2 s) and mel bands.
    public var melFrames: Int
    public var melBands: Int

    /// Visual 3-D ResNet: stem width, then one width per stage (stage 1 keeps the stem's stride,
    /// the others halve H and W); `residualBlocksPerStage` blocks in each stage.
    public var visualStemWidth: Int
    public var visualStageWidths: [Int]
    /// Audio 2-D ResNet: stem width and stage widths (strides (1,1), (2,2), (2,1), (2,1)).
    public var audioStemWidth: Int
    public var audioStageWidths: [Int]
    public var residualBlocksPerStage: Int

    /// The shared token width `D`.
    public var modelWidth: Int
    /// Heads of the cross-modal attention and of every transformer layer.
    public var heads: Int
    /// Temporal transformer: multi-scale kernel sizes, encoder layers, feed-forward width.
    public var temporalKernelSizes: [Int]
    public var transformerLayers: Int
    public var feedForwardWidth: Int

    /// Artifact branch widths: raw and temporal-difference paths `C_v → first → second`,
    /// high-frequency path `3 → hfFirst → second`; fusion `3·second + D → hidden → artifactWidth`.
    public var artifactFirstWidth: Int
    public var artifactHighFrequencyFirstWidth: Int
    public var artifactSecondWidth: Int
    public var artifactHiddenWidth: Int
    public var artifactWidth: Int
    /// Width of the fusion head's hidden layer.
    public var headHiddenWidth: Int

    /// Dropout3d after the visual encoder, dropout after the audio encoder, in the transformer and
    /// in the head.
    public var encoderDropout: Float
    public var transformerDropout: Float
    public var headDropout: Float

    /// How raw inputs are scaled before the first layer, measured on the training corpus by
    /// `syncdefense train`; nil = pixels / 255 and the log-mel as it is.
    public var inputNormalization: InputNormalization? = nil

    /// Width of the visual feature map (the last stage's width).
    public var visualWidth: Int { visualStageWidths.last ?? visualStemWidth }
    /// Width of the audio feature map.
    public var audioWidth: Int { audioStageWidths.last ?? audioStemWidth }
    /// The pooled artifact vector's width (three paths, DESIGN's 192).
    public var artifactPooledWidth: Int { 3 * artifactSecondWidth }

    /// DESIGN §2's table exactly.
    public static let seed = ModelConfiguration(
        name: "seed", cropHeight: 64, cropWidth: 64, windowFrames: 50, melFrames: 200, melBands: 80,
        visualStemWidth: 64, visualStageWidths: [64, 128, 256, 256],
        audioStemWidth: 64, audioStageWidths: [64, 128, 256, 256], residualBlocksPerStage: 1,
        modelWidth: 256, heads: 8, temporalKernelSizes: [3, 5, 7], transformerLayers: 4, feedForwardWidth: 1024,
        artifactFirstWidth: 128, artifactHighFrequencyFirstWidth: 32, artifactSecondWidth: 64,
        artifactHiddenWidth: 256, artifactWidth: 128, headHiddenWidth: 128,
        encoderDropout: 0.1, transformerDropout: 0.1, headDropout: 0.1)

    /// The shipped default: the same architecture with 48×48 crops and narrower layers, so one 2 s
    /// window costs under 2 GFLOP forward.
    public static let compact = ModelConfiguration(
        name: "compact", cropHeight: 48, cropWidth: 48, windowFrames: 50, melFrames: 200, melBands: 80,
        visualStemWidth: 16, visualStageWidths: [16, 32, 64, 64],
        audioStemWidth: 16, audioStageWidths: [16, 32, 64, 64], residualBlocksPerStage: 1,
        modelWidth: 128, heads: 4, temporalKernelSizes: [3, 5, 7], transformerLayers: 2, feedForwardWidth: 256,
        artifactFirstWidth: 32, artifactHighFrequencyFirstWidth: 8, artifactSecondWidth: 16,
        artifactHiddenWidth: 64, artifactWidth: 32, headHiddenWidth: 64,
        encoderDropout: 0.1, transformerDropout: 0.1, headDropout: 0.1)

    /// A preset for tests and parity fixtures: runs in milliseconds.
    public static let tiny = ModelConfiguration(
        name: "tiny", cropHeight: 16, cropWidth: 16, windowFrames: 6, melFrames: 24, melBands: 16,
        visualStemWidth: 4, visualStageWidths: [4, 8, 8, 8],
        audioStemWidth: 4, audioStageWidths: [4, 8, 8, 8], residualBlocksPerStage: 1,
        modelWidth: 8, heads: 2, temporalKernelSizes: [3, 5, 7], transformerLayers: 1, feedForwardWidth: 16,
        artifactFirstWidth: 4, artifactHighFrequencyFirstWidth: 4, artifactSecondWidth: 4,
        artifactHiddenWidth: 8, artifactWidth: 4, headHiddenWidth: 8,
        encoderDropout: 0.1, transformerDropout: 0.1, headDropout: 0.1)

    /// `tiny` on the real feature pipeline's 80 mel bands: the CI training smoke test and tests
    /// that run the whole analysis on real clips in milliseconds.
    public static let smoke: ModelConfiguration = {
        var c = tiny
        c.name = "smoke"
        c.melBands = 80
        return c
    }()

    /// The named presets.
    public static let presets: [String: ModelConfiguration] = ["seed": seed, "compact": compact, "tiny": tiny, "smoke": smoke]

    /// The configuration as compact JSON (sorted keys), as stored in the weights' metadata.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Checks that the numbers fit together (widths divisible by heads, odd kernels, four stages).
    /// - Throws: `ModelError.invalidConfiguration` naming the problem.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ModelError.invalidConfiguration(message) }
        }
        try require(visualStageWidths.count == 4 && audioStageWidths.count == 4, "four visual and four audio stages expected")
        try require(modelWidth % heads == 0, "model width \(modelWidth) is not a multiple of \(heads) heads")
        try require(temporalKernelSizes.allSatisfy { $0 % 2 == 1 }, "temporal kernel sizes must be odd")
        try require(cropHeight >= 16 && cropWidth >= 16, "crops must be at least 16×16")
        try require(windowFrames >= 2 && melFrames >= 8 && melBands >= 16, "window too short")
        try require(residualBlocksPerStage >= 1 && transformerLayers >= 1, "at least one block and one layer")
    }
}

extension ModelConfiguration {
    /// Decodes a configuration written by `jsonString()`.
    public init(jsonString: String) throws {
        self = try JSONDecoder().decode(ModelConfiguration.self, from: Data(jsonString.utf8))
    }
}

/// Errors of model construction, loading and running.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// A tensor the model needs is absent from the weights.
    case missingTensor(key: String, expected: [Int])
    /// A tensor's shape in the weights differs from the model's.
    case shapeMismatch(key: String, expected: [Int], actual: [Int])
    /// Tensors in the weights that the model does not use.
    case unexpectedTensors([String])
    /// The weights' metadata lacks or garbles the configuration.
    case badMetadata(String)
    /// An input has the wrong shape.
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return "model configuration: \(message)"
        case let .missingTensor(key, expected): return "weights: missing tensor \"\(key)\" (expected shape \(expected))"
        case let .shapeMismatch(key, expected, actual):
            return "weights: tensor \"\(key)\" has shape \(actual), expected \(expected)"
        case let .unexpectedTensors(keys): return "weights: unexpected tensors \(keys.joined(separator: ", "))"
        case let .badMetadata(message): return "weights metadata: \(message)"
        case let .invalidInput(message): return "model input: \(message)"
        }
    }
}
