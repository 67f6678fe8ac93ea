import Foundation
import Testing
import Tensor
@testable import Model

/// Stable BCE with logits in Double, the definition.
private func bce(_ x: Double, _ y: Double) -> Double { max(x, 0) - x * y + log(1 + exp(-abs(x))) }

/// The InfoNCE over shifts by its definition, in Double: `v, a: (B, T, D)` as flat arrays.
private func referenceInfoNCE(_ v: [Float], _ a: [Float], b: Int, t: Int, d: Int, genuine: [Bool], k: Int, tau: Double) -> Double {
    func vec(_ x: [Float], _ i: Int, _ j: Int) -> [Double] { (0..<d).map { Double(x[(i * t + j) * d + $0]) } }
    func cosine(_ p: [Double], _ q: [Double]) -> Double {
        let dot = zip(p, q).reduce(0) { $0 + $1.0 * $1.1 }
        return dot / (sqrt(p.reduce(0) { $0 + $1 * $1 }) * sqrt(q.reduce(0) { $0 + $1 * $1 }))
    }
    var total = 0.0, count = 0
    for i in 0..<b where genuine[i] {
        for j in k..<(t - k) {
            let logits = (-k...k).map { s in cosine(vec(v, i, j), vec(a, i, j + s)) / tau }
            let m = logits.max()!
            let logSum = m + log(logits.reduce(0) { $0 + exp($1 - m) })
            total += logSum - logits[k]
            count += 1
        }
    }
    return count == 0 ? 0 : total / Double(count)
}

/// Central finite differences of `f` at `x` against the autograd gradient `analytic`; returns
/// the largest absolute error and the largest gradient magnitude.
private func finiteDifferenceCheck(_ x: Tensor, analytic: Tensor, epsilon: Float = 1e-2,
                                   _ f: (Tensor) throws -> Float) throws -> (error: Float, scale: Float) {
    var worst: Float = 0, scale: Float = 0
    let base = x.scalars
    let g = analytic.scalars
    for i in base.indices {
        var plus = base, minus = base
        plus[i] += epsilon
        minus[i] -= epsilon
        let numeric = (try f(try Tensor(shape: x.shape, scalars: plus)) - (try f(try Tensor(shape: x.shape, scalars: minus)))) / (2 * epsilon)
        worst = max(worst, abs(numeric - g[i]))
        scale = max(scale, abs(g[i]))
    }
    return (worst, scale)
}

private func value(_ t: Tensor) throws -> Float { try t.item() }

@Suite struct LossTests {
    @Test func clipBCEMatchesDefinitionAndFiniteDifferences() throws {
        var rng = Xoshiro256(seed: 1)
        let logits = Tensor.normal([6], standardDeviation: 2, using: &rng)
        let labels = try Tensor(shape: [6], scalars: [1, 0, 0, 1, 1, 0])
        let loss = try TrainingLoss.clip(logits: logits, labels: labels)
        let reference = zip(logits.scalars, labels.scalars).reduce(0.0) { $0 + bce(Double($1.0), Double($1.1)) } / 6
        let error = abs(Double(try value(loss)) - reference)
        print("clip BCE: max abs error vs definition \(error)")
        #expect(error < 1e-6)

        let x = logits.requiringGrad()
        let grads = try TrainingLoss.clip(logits: x, labels: labels).backward()
        let g = try #require(grads[x])
        let check = try finiteDifferenceCheck(logits, analytic: g) { try value(TrainingLoss.clip(logits: $0, labels: labels)) }
        print("clip BCE: gradient max abs error \(check.error), max |grad| \(check.scale)")
        #expect(check.error < 1e-3 * check.scale)
    }

    @Test func maskedFrameBCEMatchesDefinitionAndFiniteDifferences() throws {
        var rng = Xoshiro256(seed: 2)
        let (b, t) = (3, 6)
        let logits = Tensor.normal([b, t], standardDeviation: 2, using: &rng)
        let targets = Tensor(shape: [b, t]) { i in Float((i * 7 + 3) % 3 == 0 ? 1 : 0) }
        let mask = Tensor(shape: [b, t]) { i in Float(i % 4 == 1 ? 0 : 1) }
        let loss = try TrainingLoss.sync(syncLogits: logits, targets: targets, mask: mask)
        var sum = 0.0, n = 0.0
        for i in 0..<(b * t) where mask.scalars[i] == 1 {
            sum += bce(Double(logits.scalars[i]), Double(targets.scalars[i]))
            n += 1
        }
        let error = abs(Double(try value(loss)) - sum / n)
        print("masked frame BCE: max abs error vs definition \(error)")
        #expect(error < 1e-6)
        let artifactLoss = try TrainingLoss.artifact(artifactLogits: logits, targets: targets, mask: mask)
        #expect(try value(artifactLoss) == (try value(loss)))

        let x = logits.requiringGrad()
        let g = try #require(try TrainingLoss.sync(syncLogits: x, targets: targets, mask: mask).backward()[x])
        for i in 0..<(b * t) where mask.scalars[i] == 0 { #expect(g.scalars[i] == 0) }
        let check = try finiteDifferenceCheck(logits, analytic: g) {
            try value(TrainingLoss.sync(syncLogits: $0, targets: targets, mask: mask))
        }
        print("masked frame BCE: gradient max abs error \(check.error), max |grad| \(check.scale)")
        #expect(check.error < 1e-3 * check.scale)

        let unlabelled = try TrainingLoss.sync(syncLogits: logits, targets: targets, mask: Tensor(zeros: [b, t]))
        #expect(try value(unlabelled) == 0)
    }

    @Test func infoNCEMatchesDefinitionAndFiniteDifferences() throws {
        var rng = Xoshiro256(seed: 3)
        let (b, t, d, k) = (3, 7, 4, 2)
        let genuine = [true, false, true]
        let tau: Float = 0.5
        let v = Tensor.normal([b, t, d], using: &rng)
        let a = Tensor.normal([b, t, d], using: &rng)
        let loss = try TrainingLoss.contrastive(visual: v, audio: a, genuine: genuine, maxShift: k, temperature: tau)
        let reference = referenceInfoNCE(v.scalars, a.scalars, b: b, t: t, d: d, genuine: genuine, k: k, tau: Double(tau))
        let error = abs(Double(try value(loss)) - reference)
        print("InfoNCE: value \(reference), max abs error vs definition \(error)")
        #expect(error < 1e-5)

        let vx = v.requiringGrad(), ax = a.requiringGrad()
        let grads = try TrainingLoss.contrastive(visual: vx, audio: ax, genuine: genuine, maxShift: k, temperature: tau).backward()
        let gv = try #require(grads[vx]), ga = try #require(grads[ax])
        // The non-genuine clip gets no gradient.
        #expect(gv.scalars[(t * d)..<(2 * t * d)].allSatisfy { $0 == 0 })
        let checkV = try finiteDifferenceCheck(v, analytic: gv) {
            try value(TrainingLoss.contrastive(visual: $0, audio: a, genuine: genuine, maxShift: k, temperature: tau))
        }
        let checkA = try finiteDifferenceCheck(a, analytic: ga) {
            try value(TrainingLoss.contrastive(visual: v, audio: $0, genuine: genuine, maxShift: k, temperature: tau))
        }
        print("InfoNCE: gradient max abs error visual \(checkV.error) (max |grad| \(checkV.scale)), audio \(checkA.error) (max |grad| \(checkA.scale))")
        #expect(checkV.error < 1e-3 * checkV.scale)
        #expect(checkA.error < 1e-3 * checkA.scale)

        let none = try TrainingLoss.contrastive(visual: v, audio: a, genuine: [false, false, false], maxShift: k, temperature: tau)
        #expect(try value(none) == 0)
        #expect(throws: TensorError.self) {
            try TrainingLoss.contrastive(visual: v, audio: a, genuine: genuine, maxShift: 4, temperature: tau)
        }
    }

    @Test func infoNCEIsLowerForAlignedEmbeddings() throws {
        var rng = Xoshiro256(seed: 4)
        let (b, t, d, k) = (2, 20, 16, 3)
        let v = Tensor.normal([b, t, d], using: &rng)
        let noise = Tensor.normal([b, t, d], standardDeviation: 0.1, using: &rng)
        let aligned = try v + noise
        // Audio two frames late: a[t] = v[t − 2] (+ noise), so the positive pairing is wrong.
        let late = try concat([aligned.sliced(axis: 1, (t - 2)..<t), aligned.sliced(axis: 1, 0..<(t - 2))], axis: 1)
        let genuine = [true, true]
        let lossAligned = try value(TrainingLoss.contrastive(visual: v, audio: aligned, genuine: genuine, maxShift: k, temperature: 0.1))
        let lossShifted = try value(TrainingLoss.contrastive(visual: v, audio: late, genuine: genuine, maxShift: k, temperature: 0.1))
        print("InfoNCE aligned \(lossAligned), shifted by 2 frames \(lossShifted)")
        #expect(lossAligned < 0.1)
        #expect(lossShifted > lossAligned + 1)
    }

    @Test func totalIsTheWeightedSumAndBackpropagatesToTheModel() throws {
        let c = ModelConfiguration.tiny
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 5))
        let (video, mel) = randomInputs(c, batch: 2, seed: 6)
        let outputs = try model(video: video, mel: mel, training: true)
        let t = c.windowFrames
        let targets = TrainingTargets(
            clip: try Tensor(shape: [2], scalars: [0, 1]),
            sync: Tensor(shape: [2, t]) { i in i < t ? 1 : Float(i % 2) },
            syncMask: Tensor(repeating: 1, shape: [2, t]),
            artifact: Tensor(shape: [2, t]) { i in i < t ? 0 : 1 },
            artifactMask: Tensor(shape: [2, t]) { i in i < t ? 1 : 0 },
            genuine: [true, false])
        let weights = LossWeights(clip: 1, sync: 0.5, contrastive: 0.25, artifact: 2, temperature: 0.1, maxShift: 15)
        let losses = try TrainingLoss.total(outputs, targets, weights: weights)
        let expected = try value(losses.clip) + 0.5 * value(losses.sync) + 0.25 * value(losses.contrastive) + 2 * value(losses.artifact)
        #expect(abs(try value(losses.total) - expected) < 1e-5)
        #expect(try value(losses.contrastive) > 0)
        try losses.total.backward()
        let withGradient = model.parameters.filter { $0.grad != nil }.count
        print("total loss \(try value(losses.total)); \(withGradient) of \(model.parameters.count) parameters got a gradient")
        #expect(withGradient == model.parameters.count)
    }
}
