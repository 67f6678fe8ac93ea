import Foundation
import Testing
@testable import Tensor

/// Parity with PyTorch from `Fixtures/torch_parity.safetensors`, written by
/// `scripts/fixtures/make_tensor_fixture.py` (PyTorch CPU, float32). Each case replays PyTorch's
/// forward pass, back-propagates PyTorch's upstream gradient `gy`, and compares.
@Suite struct PyTorchParityTests {
    let fixture: SafeTensorsFile

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "torch_parity", withExtension: "safetensors", subdirectory: "Fixtures"))
        fixture = try SafeTensorsFile(contentsOf: url)
    }

    func t(_ name: String) throws -> Tensor { try fixture.tensor(named: name) }

    /// Prints the max difference against PyTorch and expects it within `tolerance` of the
    /// reference's largest magnitude.
    func compare(_ name: String, _ actual: Tensor?, _ reference: String, tolerance: Double = 1e-4,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try t(reference)
        guard let actual else {
            Issue.record("\(name): no value", sourceLocation: sourceLocation)
            return
        }
        #expect(actual.shape == expected.shape, "\(name): shape \(actual.shape) vs PyTorch \(expected.shape)", sourceLocation: sourceLocation)
        let e = errors(actual.scalars, expected.scalars.map(Double.init))
        print("pytorch parity \(name): max abs diff \(e.abs), max rel diff \(e.rel)")
        #expect(e.rel < tolerance, "\(name): max rel diff \(e.rel)", sourceLocation: sourceLocation)
    }

    @Test func fixtureMetadata() {
        #expect(fixture.metadata["format_version"] == "1")
        #expect(fixture.metadata["torch"] != nil)
    }

    @Test func conv3dMatchesPyTorch() throws {
        let x = try t("conv3d.x").requiringGrad(), w = try t("conv3d.weight").requiringGrad(), b = try t("conv3d.bias").requiringGrad()
        let y = try conv3d(x, weight: w, bias: b, stride: (1, 2, 2), padding: (1, 3, 3))
        let g = try y.backward(seed: t("conv3d.gy"))
        try compare("conv3d y", y, "conv3d.y")
        try compare("conv3d gx", g[x], "conv3d.gx")
        try compare("conv3d gweight", g[w], "conv3d.gweight")
        try compare("conv3d gbias", g[b], "conv3d.gbias")
    }

    @Test func conv2dMatchesPyTorch() throws {
        let x = try t("conv2d.x").requiringGrad(), w = try t("conv2d.weight").requiringGrad(), b = try t("conv2d.bias").requiringGrad()
        let y = try conv2d(x, weight: w, bias: b, stride: (2, 2), padding: (3, 3))
        let g = try y.backward(seed: t("conv2d.gy"))
        try compare("conv2d y", y, "conv2d.y")
        try compare("conv2d gx", g[x], "conv2d.gx")
        try compare("conv2d gweight", g[w], "conv2d.gweight")
        try compare("conv2d gbias", g[b], "conv2d.gbias")
    }

    @Test func batchNormMatchesPyTorch() throws {
        let x = try t("batchnorm.x").requiringGrad(), w = try t("batchnorm.weight").requiringGrad(), b = try t("batchnorm.bias").requiringGrad()
        let result = try batchNorm(x, weight: w, bias: b, runningMean: t("batchnorm.running_mean"), runningVariance: t("batchnorm.running_var"), training: true)
        let g = try result.output.backward(seed: t("batchnorm.gy"))
        try compare("batchnorm y", result.output, "batchnorm.y")
        try compare("batchnorm running mean", result.runningMean, "batchnorm.new_running_mean")
        try compare("batchnorm running var", result.runningVariance, "batchnorm.new_running_var")
        try compare("batchnorm gx", g[x], "batchnorm.gx")
        try compare("batchnorm gweight", g[w], "batchnorm.gweight")
        try compare("batchnorm gbias", g[b], "batchnorm.gbias")
        let eval = try batchNorm(x, weight: w, bias: b, runningMean: result.runningMean, runningVariance: result.runningVariance, training: false)
        try compare("batchnorm eval y", eval.output, "batchnorm.y_eval")
    }

    @Test func layerNormMatchesPyTorch() throws {
        let x = try t("layernorm.x").requiringGrad(), w = try t("layernorm.weight").requiringGrad(), b = try t("layernorm.bias").requiringGrad()
        let y = try layerNorm(x, weight: w, bias: b)
        let g = try y.backward(seed: t("layernorm.gy"))
        try compare("layernorm y", y, "layernorm.y")
        try compare("layernorm gx", g[x], "layernorm.gx")
        try compare("layernorm gweight", g[w], "layernorm.gweight")
        try compare("layernorm gbias", g[b], "layernorm.gbias")
    }

    @Test func attentionMatchesPyTorch() throws {
        let q = try t("attention.query").requiringGrad(), kv = try t("attention.keyvalue").requiringGrad()
        let wq = try t("attention.wq").requiringGrad(), wk = try t("attention.wk").requiringGrad()
        let wv = try t("attention.wv").requiringGrad(), wo = try t("attention.wo").requiringGrad()
        let projections = AttentionProjections(queryWeight: wq, queryBias: try t("attention.bq"), keyWeight: wk, keyBias: try t("attention.bk"),
                                               valueWeight: wv, valueBias: try t("attention.bv"), outputWeight: wo, outputBias: try t("attention.bo"))
        let result = try multiHeadAttention(query: q, key: kv, value: kv, projections: projections, heads: 2)
        let objective = try (result.output * t("attention.gy")).sum() + (result.weights * t("attention.gweights")).sum()
        let g = try objective.backward()
        try compare("attention output", result.output, "attention.y")
        try compare("attention weights", result.weights, "attention.weights")
        try compare("attention gquery", g[q], "attention.gquery")
        try compare("attention gkeyvalue", g[kv], "attention.gkeyvalue")
        try compare("attention gwq", g[wq], "attention.gwq")
        try compare("attention gwk", g[wk], "attention.gwk")
        try compare("attention gwv", g[wv], "attention.gwv")
        try compare("attention gwo", g[wo], "attention.gwo")
    }

    @Test func residualBlockMatchesPyTorch() throws {
        let x = try t("resblock.x").requiringGrad()
        let conv1 = try t("resblock.conv1").requiringGrad(), conv2 = try t("resblock.conv2").requiringGrad()
        let proj = try t("resblock.proj").requiringGrad()
        let bn1Weight = Tensor(repeating: 1, shape: [6]).requiringGrad(), bn2Bias = Tensor(zeros: [6]).requiringGrad()
        func bn(_ h: Tensor, weight: Tensor? = nil, bias: Tensor? = nil) throws -> Tensor {
            try batchNorm(h, weight: weight ?? Tensor(repeating: 1, shape: [6]), bias: bias ?? Tensor(zeros: [6]),
                          runningMean: Tensor(zeros: [6]), runningVariance: Tensor(repeating: 1, shape: [6]), training: true).output
        }
        var h = try bn(conv3d(x, weight: conv1, stride: (1, 2, 2), padding: (1, 1, 1)), weight: bn1Weight).relu()
        h = try bn(conv3d(h, weight: conv2, padding: (1, 1, 1)), bias: bn2Bias)
        let shortcut = try bn(conv3d(x, weight: proj, stride: (1, 2, 2)))
        let y = try (h + shortcut).relu()
        let g = try y.backward(seed: t("resblock.gy"))
        try compare("resblock y", y, "resblock.y")
        try compare("resblock gx", g[x], "resblock.gx")
        try compare("resblock gconv1", g[conv1], "resblock.gconv1")
        try compare("resblock gconv2", g[conv2], "resblock.gconv2")
        try compare("resblock gproj", g[proj], "resblock.gproj")
        try compare("resblock gbn1.weight", g[bn1Weight], "resblock.gbn1_weight")
        try compare("resblock gbn2.bias", g[bn2Bias], "resblock.gbn2_bias")
    }

    @Test func interpolationAndGELUMatchesPyTorch() throws {
        let x = try t("interpolate.x").requiringGrad()
        let y = try x.linearlyInterpolated(axis: 2, size: 50)
        try compare("interpolate y", y, "interpolate.y")
        try compare("interpolate gx", try y.backward(seed: t("interpolate.gy"))[x], "interpolate.gx")
        let z = try t("gelu.x").requiringGrad()
        let gelu = z.gelu()
        try compare("gelu y", gelu, "gelu.y", tolerance: 1e-6)
        try compare("gelu gx", try gelu.backward(seed: t("gelu.gy"))[z], "gelu.gx", tolerance: 1e-5)
    }

    @Test func lossesMatchesPyTorch() throws {
        let logits = try t("bce.logits").requiringGrad()
        let bce = try binaryCrossEntropyWithLogits(logits, targets: t("bce.targets"), weight: t("bce.weight"))
        try compare("bce loss", bce, "bce.loss", tolerance: 1e-6)
        try compare("bce glogits", try bce.backward()[logits], "bce.glogits", tolerance: 1e-5)
        let ce = try t("crossentropy.logits").requiringGrad()
        let classes = try t("crossentropy.classes").scalars.map { Int($0) }
        let loss = try crossEntropy(ce, targets: classes)
        try compare("cross-entropy loss", loss, "crossentropy.loss", tolerance: 1e-6)
        try compare("cross-entropy glogits", try loss.backward()[ce], "crossentropy.glogits", tolerance: 1e-5)
    }

    @Test func adamWMatchesPyTorch() throws {
        let p = Parameter(try t("adamw.p0"), name: "p")
        var optimizer = try AdamW(groups: [ParameterGroup(name: "all", parameters: [p], learningRate: 0.01, weightDecay: 0.05)])
        for step in 0..<3 {
            p.grad = try t("adamw.g\(step)")
            optimizer.step()
        }
        try compare("adamw after 3 steps", p.value, "adamw.p3", tolerance: 1e-6)
    }

    @Test func halfPrecisionReading() throws {
        #expect(fixture.entry(named: "dtype.f16")?.dtype == .f16)
        #expect(fixture.entry(named: "dtype.bf16")?.dtype == .bf16)
        #expect(try t("dtype.f16").scalars == t("dtype.f16_as_f32").scalars)
        #expect(try t("dtype.bf16").scalars == t("dtype.bf16_as_f32").scalars)
    }
}
