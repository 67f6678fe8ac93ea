import Foundation
import Tensor

/// Every named output of one forward pass over a batch of windows (the explain taps are these
/// values, not a second code path). `B` windows of `T` video frames.
public struct ModelOutputs: Sendable {
    /// `(B)` clip logit (fake > 0) and its sigmoid.
    public var logit: Tensor
    public var probability: Tensor
    /// `(B, T)` per-frame sync logit and probability (frame `t` in sync).
    public var syncLogit: Tensor
    public var sync: Tensor
    /// `(B, heads, T, T)` attention weights: video queries over audio keys, and audio over video.
    public var videoToAudioAttention: Tensor
    public var audioToVideoAttention: Tensor
    /// `(B, T)` how much the fused token leans on video (1) versus audio (0).
    public var gate: Tensor
    /// `(B, T)` artifact logit per frame and its sigmoid.
    public var artifactLogit: Tensor
    public var artifact: Tensor
    /// `(B, T, h, w)` artifact logits per location before pooling, `h = H/4, w = W/4`.
    public var artifactMap: Tensor
    /// `(B, T, D)` per-frame visual and audio embeddings (audio at the video rate) for the offset search.
    public var visualEmbedding: Tensor
    public var audioEmbedding: Tensor
    /// `(B, D)` the transformer's CLS output.
    public var cls: Tensor
}

/// The SyncDefense model of DESIGN §2, built from a `ModelConfiguration`.
///
/// Checkpoint keys mirror the block path (`visual.stem.conv.weight`, `audio.layer2.0.bn1.running_mean`,
/// `cross.v2a.q_proj.weight`, …). Thread safety: parameters are lock-protected; the dropout
/// generator is behind a lock; a training forward updates batch-norm running statistics.
public final class SyncDefenseModel: @unchecked Sendable {
    /// The metadata key of the configuration JSON in a weights file.
    public static let configurationKey = "syncdefense.model.configuration"
    /// The metadata key and value of the weights format.
    public static let formatKey = "syncdefense.model.format"
    public static let formatVersion = "1"

    public let configuration: ModelConfiguration
    /// Learnable tensors in construction order.
    public let parameters: [Parameter]
    /// Batch-norm running statistics (saved, never trained).
    public let buffers: [Parameter]

    let visual: VisualEncoder
    let audio: AudioEncoder
    let projection: Projection
    let cross: CrossModalAttention
    let temporal: TemporalTransformer
    let artifact: ArtifactBranch
    let head: FusionHead
    let syncHead: SyncHead
    private let lock = NSLock()
    private var dropoutGenerator: Xoshiro256

    /// Builds the model with tensors from `source`.
    /// - Throws: `ModelError` for an invalid configuration, or a missing, mis-shaped or unexpected tensor.
    public init(configuration c: ModelConfiguration, source: WeightSource = .random(seed: 0)) throws {
        try c.validate()
        let state = LoaderState(source: source)
        let root = WeightLoader(state: state)
        visual = try VisualEncoder(root.scoped("visual"), configuration: c)
        audio = try AudioEncoder(root.scoped("audio"), configuration: c)
        projection = try Projection(root.scoped("projection"), configuration: c)
        cross = try CrossModalAttention(root.scoped("cross"), configuration: c)
        temporal = try TemporalTransformer(root.scoped("temporal"), configuration: c)
        artifact = try ArtifactBranch(root.scoped("artifact"), configuration: c)
        head = try FusionHead(root.scoped("head"), configuration: c)
        syncHead = try SyncHead(root.scoped("sync_head"), configuration: c)
        try state.finish()
        configuration = c
        parameters = state.parameters
        buffers = state.buffers
        if case let .random(seed) = source {
            dropoutGenerator = Xoshiro256(seed: seed ^ 0x5EED_D50D)
        } else {
            dropoutGenerator = Xoshiro256(seed: 0x5EED_D50D)
        }
    }

    /// Loads a weights file written by `save(to:)`: the configuration comes from its metadata.
    /// - Throws: `ModelError.badMetadata`, or as `init(configuration:source:)`, or the reader's errors.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: SafeTensorsFile(contentsOf: url))
    }

    /// Builds the model a parsed weights file describes.
    public convenience init(file: SafeTensorsFile) throws {
        guard let json = file.metadata[Self.configurationKey] else {
            throw ModelError.badMetadata("no \"\(Self.configurationKey)\" entry")
        }
        let configuration: ModelConfiguration
        do { configuration = try ModelConfiguration(jsonString: json) } catch {
            throw ModelError.badMetadata("configuration does not decode: \(error)")
        }
        try self.init(configuration: configuration, source: .file(file))
    }

    /// The number of learnable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// Every parameter and buffer by key.
    public var namedTensors: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for p in parameters + buffers { result[p.name] = p.value.detached() }
        return result
    }

    /// The weights file bytes: every tensor plus the configuration (and `metadata`) in `__metadata__`.
    public func encoded(metadata: [String: String] = [:]) throws -> Data {
        var meta = metadata
        meta[Self.configurationKey] = try configuration.jsonString()
        meta[Self.formatKey] = Self.formatVersion
        return try SafeTensorsWriter.encode(namedTensors, metadata: meta)
    }

    /// Writes the weights file atomically.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        var meta = metadata
        meta[Self.configurationKey] = try configuration.jsonString()
        meta[Self.formatKey] = Self.formatVersion
        try SafeTensorsWriter.write(namedTensors, metadata: meta, to: url)
    }

    /// Runs the model over a batch of windows.
    /// `video: (B, 3, T, H, W)` mouth crops, `mel: (B, 1, F, T_a)` log-mel → `ModelOutputs`.
    /// - Parameter training: batch statistics (updating the running ones) and dropout when true.
    /// - Throws: `ModelError.invalidInput` for shapes the configuration does not accept.
    public func callAsFunction(video: Tensor, mel: Tensor, training: Bool) throws -> ModelOutputs {
        let (b, channels, t, h, w) = try video.dims5()
        let (bm, one, bands, melFrames) = try mel.dims4()
        guard channels == 3, bm == b, one == 1, bands == configuration.melBands, t >= 2, h >= 16, w >= 16, melFrames >= 8 else {
            throw ModelError.invalidInput("video \(video.shape) and mel \(mel.shape) do not fit (B,3,T≥2,H≥16,W≥16) and (B,1,\(configuration.melBands),T_a≥8)")
        }
        let context = ForwardContext(training: training, generator: nextDropoutGenerator())
        let featureMap = try visual(video, context) // (B, C_v, T, h', w')
        let visualSequence = try featureMap.mean(axes: [3, 4]) // (B, C_v, T)
        let audioSequence = try audio(mel, context) // (B, C_a, T_a')
        let (vEmb, aEmb) = try projection(visual: visualSequence, audio: audioSequence) // (B, T, D) each
        let attended = try cross(visual: vEmb, audio: aEmb)
        let (cls, frames) = try temporal(attended.fused, context) // (B, D), (B, T, D)
        let artifactOut = try artifact(video: video, featureMap: featureMap, cls: cls, context)
        let logit = try head(cls: cls, artifact: artifactOut.vector, context) // (B)
        let syncLogit = try syncHead(frames) // (B, T)
        return ModelOutputs(
            logit: logit, probability: logit.sigmoid(), syncLogit: syncLogit, sync: syncLogit.sigmoid(),
            videoToAudioAttention: attended.videoToAudio, audioToVideoAttention: attended.audioToVideo,
            gate: attended.gate, artifactLogit: artifactOut.perFrame, artifact: artifactOut.perFrame.sigmoid(),
            artifactMap: artifactOut.map, visualEmbedding: vEmb, audioEmbedding: aEmb, cls: cls)
    }

    /// Restarts the dropout generator from `seed` (training reseeds it every step, so a resumed run
    /// draws the same masks as an uninterrupted one).
    public func reseedDropout(_ seed: UInt64) {
        lock.lock(); defer { lock.unlock() }
        dropoutGenerator = Xoshiro256(seed: seed)
    }

    private func nextDropoutGenerator() -> Xoshiro256 {
        lock.lock(); defer { lock.unlock() }
        return dropoutGenerator.split()
    }
}
