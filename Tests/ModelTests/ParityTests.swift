import Foundation
import Testing
import Tensor
@testable import Model

/// The tiny preset against its PyTorch twin (`scripts/fixtures/make_model_parity_fixture.py`):
/// same weights, every named output in evaluation mode, and every parameter gradient of the
/// training-mode total loss (dropout 0 in the fixture's configuration, so training is deterministic).
@Suite struct ModelParityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `max |a − b| / max |b|`.
    func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = b.scalars.reduce(0) { max($0, abs($1)) }
        return maxDifference(a, b) / max(scale, 1e-12)
    }

    @Test func matchesPyTorch() throws {
        let model = try SyncDefenseModel(contentsOf: Self.fixtures.appendingPathComponent("model_parity_weights.safetensors"))
        let io = try SafeTensorsFile(contentsOf: Self.fixtures.appendingPathComponent("model_parity_io.safetensors"))
        let video = try io.tensor(named: "input.video"), mel = try io.tensor(named: "input.mel")

        let o = try withNoGrad { try model(video: video, mel: mel, training: false) }
        let named: [(String, Tensor)] = [
            ("logit", o.logit), ("probability", o.probability), ("syncLogit", o.syncLogit), ("sync", o.sync),
            ("videoToAudioAttention", o.videoToAudioAttention), ("audioToVideoAttention", o.audioToVideoAttention),
            ("gate", o.gate), ("artifactLogit", o.artifactLogit), ("artifact", o.artifact), ("artifactMap", o.artifactMap),
            ("visualEmbedding", o.visualEmbedding), ("audioEmbedding", o.audioEmbedding), ("cls", o.cls),
        ]
        var worstForward: Float = 0
        for (name, value) in named {
            let reference = try io.tensor(named: "eval." + name)
            #expect(value.shape == reference.shape, "\(name)")
            guard value.shape == reference.shape else { continue }
            let error = relativeError(value, reference)
            print("parity forward \(name): relative max error \(error)")
            #expect(error <= 1e-4, "\(name)")
            worstForward = max(worstForward, error)
        }

        let targets = TrainingTargets(
            clip: try io.tensor(named: "target.clip"), sync: try io.tensor(named: "target.sync"),
            syncMask: try io.tensor(named: "target.sync_mask"), artifact: try io.tensor(named: "target.artifact"),
            artifactMask: try io.tensor(named: "target.artifact_mask"), genuine: [true, false])
        let trainOutputs = try model(video: video, mel: mel, training: true)
        let losses = try TrainingLoss.total(trainOutputs, targets)
        for (name, value) in [("clip", losses.clip), ("sync", losses.sync), ("contrastive", losses.contrastive),
                              ("artifact", losses.artifact), ("total", losses.total)] {
            let reference = try io.tensor(named: "loss." + name).scalars[0]
            let error = abs(try value.item() - reference) / max(abs(reference), 1e-6)
            print("parity loss \(name): \(try value.item()) vs \(reference), relative error \(error)")
            #expect(error <= 1e-4, "\(name)")
        }
        try losses.total.backward()
        var worstGradient: Float = 0, worstName = ""
        for p in model.parameters {
            let reference = try io.tensor(named: "grad." + p.name)
            let gradient = try #require(p.grad, "\(p.name)")
            // The key projections' biases get an exactly-zero gradient (softmax ignores a constant
            // per query row), so both sides hold rounding noise: compare those absolutely.
            let scale = reference.scalars.reduce(0) { max($0, abs($1)) }
            if scale < 1e-6 {
                #expect(maxDifference(gradient, reference) < 1e-6, "\(p.name)")
                continue
            }
            let error = relativeError(gradient, reference)
            if error > worstGradient { (worstGradient, worstName) = (error, p.name) }
            #expect(error <= 1e-3, "\(p.name)")
        }
        // Batch norm's running statistics after the one training-mode forward (momentum 0.1, unbiased variance).
        var worstStatistic: Float = 0
        for (key, value) in model.namedTensors where key.hasSuffix("running_mean") || key.hasSuffix("running_var") {
            let reference = try io.tensor(named: "after_train." + key)
            worstStatistic = max(worstStatistic, relativeError(value, reference))
        }
        print("parity: batch-norm running statistics after training forward, worst relative error \(worstStatistic)")
        #expect(worstStatistic <= 1e-4)
        print("parity: worst forward relative error \(worstForward); worst gradient relative error \(worstGradient) (\(worstName)) over \(model.parameters.count) parameters")
    }
}
