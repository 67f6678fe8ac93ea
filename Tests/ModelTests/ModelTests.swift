import Foundation
import Testing
import Tensor
@testable import Model

/// A random window batch for `c`: `video (B, 3, T, H, W)`, `mel (B, 1, F, T_a)`.
func randomInputs(_ c: ModelConfiguration, batch: Int, seed: UInt64) -> (video: Tensor, mel: Tensor) {
    var generator = Xoshiro256(seed: seed)
    let video = Tensor.uniform([batch, 3, c.windowFrames, c.cropHeight, c.cropWidth], in: -1...1, using: &generator)
    let mel = Tensor.normal([batch, 1, c.melBands, c.melFrames], using: &generator)
    return (video, mel)
}

/// The largest absolute difference between two tensors of one shape.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    zip(a.scalars, b.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

@Suite struct ModelShapeTests {
    func checkShapes(_ c: ModelConfiguration, batch: Int) throws -> ModelOutputs {
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 7))
        let (video, mel) = randomInputs(c, batch: batch, seed: 11)
        let o = try withNoGrad { try model(video: video, mel: mel, training: false) }
        let (b, t, d, heads) = (batch, c.windowFrames, c.modelWidth, c.heads)
        let (h, w) = ((c.cropHeight - 1) / 2 / 2 + 1, (c.cropWidth - 1) / 2 / 2 + 1)
        #expect(o.logit.shape == [b])
        #expect(o.probability.shape == [b])
        #expect(o.syncLogit.shape == [b, t])
        #expect(o.sync.shape == [b, t])
        #expect(o.videoToAudioAttention.shape == [b, heads, t, t])
        #expect(o.audioToVideoAttention.shape == [b, heads, t, t])
        #expect(o.gate.shape == [b, t])
        #expect(o.artifactLogit.shape == [b, t])
        #expect(o.artifact.shape == [b, t])
        #expect(o.artifactMap.shape == [b, t, h, w])
        #expect(o.visualEmbedding.shape == [b, t, d])
        #expect(o.audioEmbedding.shape == [b, t, d])
        #expect(o.cls.shape == [b, d])
        let finite = o.logit.scalars.allSatisfy(\.isFinite) && o.artifactMap.scalars.allSatisfy(\.isFinite)
        #expect(finite)
        return o
    }

    @Test func tinyOutputShapes() throws {
        _ = try checkShapes(.tiny, batch: 2)
    }

    @Test func compactOutputShapes() throws {
        let o = try checkShapes(.compact, batch: 1)
        #expect(o.artifactMap.shape == [1, 50, 12, 12])
    }

    @Test func blockShapesTiny() throws {
        let c = ModelConfiguration.tiny
        let state = LoaderState(source: .random(seed: 3))
        let root = WeightLoader(state: state)
        let context = ForwardContext(training: false, generator: Xoshiro256(seed: 1))
        let (video, mel) = randomInputs(c, batch: 2, seed: 5)
        let map = try VisualEncoder(root.scoped("visual"), configuration: c)(video, context)
        #expect(map.shape == [2, 8, 6, 1, 1])
        let audio = try AudioEncoder(root.scoped("audio"), configuration: c)(mel, context)
        #expect(audio.shape == [2, 8, 3])
        let (v, a) = try Projection(root.scoped("projection"), configuration: c)(visual: map.mean(axes: [3, 4]), audio: audio)
        #expect(v.shape == [2, 6, 8] && a.shape == [2, 6, 8])
        let x = try CrossModalAttention(root.scoped("cross"), configuration: c)(visual: v, audio: a)
        #expect(x.fused.shape == [2, 6, 8] && x.gate.shape == [2, 6] && x.videoToAudio.shape == [2, 2, 6, 6])
        let gateInRange = x.gate.scalars.allSatisfy { $0 > 0 && $0 < 1 }
        #expect(gateInRange)
        let (cls, frames) = try TemporalTransformer(root.scoped("temporal"), configuration: c)(x.fused, context)
        #expect(cls.shape == [2, 8] && frames.shape == [2, 6, 8])
        let art = try ArtifactBranch(root.scoped("artifact"), configuration: c)(video: video, featureMap: map, cls: cls, context)
        #expect(art.map.shape == [2, 6, 4, 4] && art.perFrame.shape == [2, 6])
        #expect(art.pooled.shape == [2, 12] && art.vector.shape == [2, 4])
        let logit = try FusionHead(root.scoped("head"), configuration: c)(cls: cls, artifact: art.vector, context)
        #expect(logit.shape == [2])
    }

    @Test func trainingAndEvaluationDiffer() throws {
        let c = ModelConfiguration.tiny
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 9))
        let (video, mel) = randomInputs(c, batch: 2, seed: 12)
        let before = model.buffers.first { $0.name == "visual.stem.bn.running_mean" }!.value.scalars
        let eval1 = try withNoGrad { try model(video: video, mel: mel, training: false) }
        let eval2 = try withNoGrad { try model(video: video, mel: mel, training: false) }
        #expect(maxDifference(eval1.logit, eval2.logit) == 0)
        _ = try withNoGrad { try model(video: video, mel: mel, training: true) }
        let after = model.buffers.first { $0.name == "visual.stem.bn.running_mean" }!.value.scalars
        #expect(before != after)
    }
}

@Suite struct ModelGradientTests {
    @Test func gradientReachesEveryParameter() throws {
        let c = ModelConfiguration.tiny
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 21))
        let (video, mel) = randomInputs(c, batch: 2, seed: 22)
        let o = try model(video: video, mel: mel, training: true)
        // The clip logit alone does not reach the sync head or the artifact score layer, so the
        // objective sums the three heads' logits.
        let objective = try o.logit.sum() + o.syncLogit.sum() + o.artifactLogit.sum()
        try objective.backward()
        var without: [String] = []
        for p in model.parameters {
            // A key bias adds the same score to every key of a query: softmax cancels it, so its
            // gradient is zero in exact arithmetic (as in PyTorch).
            if p.name.hasSuffix("k_proj.bias") { continue }
            let nonZero = p.grad?.scalars.contains { $0 != 0 } ?? false
            if !nonZero { without.append(p.name) }
        }
        #expect(without == [])
        #expect(model.parameters.count > 100)
    }
}

@Suite struct ModelWeightsTests {
    func file(_ tensors: [String: Tensor], configuration: ModelConfiguration) throws -> SafeTensorsFile {
        try SafeTensorsFile(data: SafeTensorsWriter.encode(
            tensors, metadata: [SyncDefenseModel.configurationKey: configuration.jsonString()]))
    }

    @Test func saveLoadRoundTrip() throws {
        let c = ModelConfiguration.tiny
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 31))
        let (video, mel) = randomInputs(c, batch: 2, seed: 32)
        _ = try withNoGrad { try model(video: video, mel: mel, training: true) } // move the running statistics
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-roundtrip-\(getpid()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url, metadata: ["note": "test"])
        let loaded = try SyncDefenseModel(contentsOf: url)
        #expect(loaded.configuration == c)
        let a = try withNoGrad { try model(video: video, mel: mel, training: false) }
        let b = try withNoGrad { try loaded(video: video, mel: mel, training: false) }
        let differences = [maxDifference(a.logit, b.logit), maxDifference(a.sync, b.sync), maxDifference(a.artifactMap, b.artifactMap),
                           maxDifference(a.videoToAudioAttention, b.videoToAudioAttention), maxDifference(a.gate, b.gate)]
        print("round trip max differences: \(differences)")
        #expect(differences.allSatisfy { $0 == 0 })
        let metadata = try SafeTensorsFile(contentsOf: url).metadata
        #expect(metadata["note"] == "test" && metadata[SyncDefenseModel.formatKey] == "1")
    }

    @Test func missingTensorIsNamed() throws {
        let c = ModelConfiguration.tiny
        var tensors = try SyncDefenseModel(configuration: c, source: .random(seed: 1)).namedTensors
        tensors["head.fc2.weight"] = nil
        #expect(throws: ModelError.missingTensor(key: "head.fc2.weight", expected: [1, 8])) {
            try SyncDefenseModel(file: file(tensors, configuration: c))
        }
    }

    @Test func extraTensorIsReported() throws {
        let c = ModelConfiguration.tiny
        var tensors = try SyncDefenseModel(configuration: c, source: .random(seed: 1)).namedTensors
        tensors["head.extra.weight"] = Tensor(zeros: [2])
        #expect(throws: ModelError.unexpectedTensors(["head.extra.weight"])) {
            try SyncDefenseModel(file: file(tensors, configuration: c))
        }
    }

    @Test func misShapedTensorNamesKeyAndShapes() throws {
        let c = ModelConfiguration.tiny
        var tensors = try SyncDefenseModel(configuration: c, source: .random(seed: 1)).namedTensors
        tensors["visual.stem.conv.weight"] = Tensor(zeros: [4, 3, 3, 5, 5])
        do {
            _ = try SyncDefenseModel(file: file(tensors, configuration: c))
            Issue.record("loading a mis-shaped tensor succeeded")
        } catch let error as ModelError {
            #expect(error == .shapeMismatch(key: "visual.stem.conv.weight", expected: [4, 3, 3, 7, 7], actual: [4, 3, 3, 5, 5]))
            let message = error.description
            #expect(message.contains("visual.stem.conv.weight") && message.contains("[4, 3, 3, 7, 7]") && message.contains("[4, 3, 3, 5, 5]"))
        }
    }

    @Test func missingConfigurationIsReported() throws {
        let tensors = try SyncDefenseModel(configuration: .tiny, source: .random(seed: 1)).namedTensors
        let bare = try SafeTensorsFile(data: SafeTensorsWriter.encode(tensors))
        #expect(throws: ModelError.self) { try SyncDefenseModel(file: bare) }
    }
}

@Suite struct ModelConfigurationTests {
    @Test func seedMatchesDesignTable() throws {
        let s = ModelConfiguration.seed
        #expect(s.visualStemWidth == 64 && s.visualStageWidths == [64, 128, 256, 256])
        #expect(s.audioStemWidth == 64 && s.audioStageWidths == [64, 128, 256, 256])
        #expect(s.modelWidth == 256 && s.heads == 8 && s.transformerLayers == 4 && s.feedForwardWidth == 1024)
        #expect(s.temporalKernelSizes == [3, 5, 7])
        #expect(s.artifactFirstWidth == 128 && s.artifactSecondWidth == 64 && s.artifactHighFrequencyFirstWidth == 32)
        #expect(s.artifactPooledWidth == 192 && s.artifactPooledWidth + s.modelWidth == 448)
        #expect(s.artifactHiddenWidth == 256 && s.artifactWidth == 128 && s.headHiddenWidth == 128)
        #expect(s.modelWidth + s.artifactWidth == 384)
        #expect(s.windowFrames == 50 && s.melFrames == 200 && s.melBands == 80)
        #expect(s.headDropout == 0.1)
        let json = try s.jsonString()
        #expect(try ModelConfiguration(jsonString: json) == s)
    }

    @Test func compactCostAndSpeed() throws {
        let c = ModelConfiguration.compact
        let flops = c.flopsPerWindow()
        let parameters = try c.parameterCount()
        let seedFlops = ModelConfiguration.seed.flopsPerWindow()
        let seedParameters = try ModelConfiguration.seed.parameterCount()
        #expect(flops <= 2_000_000_000)
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 1))
        let (video, mel) = randomInputs(c, batch: 1, seed: 2)
        _ = try withNoGrad { try model(video: video, mel: mel, training: false) }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { _ = try withNoGrad { try model(video: video, mel: mel, training: false) } }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print("compact: \(parameters) parameters, \(Double(flops) / 1e9) GFLOP per window, forward batch 1 \(ms) ms (this build)")
        print("seed: \(seedParameters) parameters, \(Double(seedFlops) / 1e9) GFLOP per window")
    }
}
