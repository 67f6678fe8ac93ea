import Foundation
import Testing
@testable import Tensor

@Suite struct AttentionLossTests {
    func projections(_ d: Int, seed: UInt64) -> AttentionProjections {
        AttentionProjections(queryWeight: randomTensor([d, d], seed: seed), queryBias: randomTensor([d], seed: seed + 1),
                             keyWeight: randomTensor([d, d], seed: seed + 2), keyBias: randomTensor([d], seed: seed + 3),
                             valueWeight: randomTensor([d, d], seed: seed + 4), valueBias: randomTensor([d], seed: seed + 5),
                             outputWeight: randomTensor([d, d], seed: seed + 6), outputBias: randomTensor([d], seed: seed + 7))
    }

    @Test func attentionMatchesDefinition() throws {
        let (b, tq, tk, d, heads) = (2, 3, 5, 4, 2)
        let q = randomTensor([b, tq, d], seed: 131), kv = randomTensor([b, tk, d], seed: 132)
        let p = projections(d, seed: 140)
        let result = try multiHeadAttention(query: q, key: kv, value: kv, projections: p, heads: heads)
        #expect(result.output.shape == [b, tq, d])
        #expect(result.weights.shape == [b, heads, tq, tk])
        func project(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ n: Int, _ t: Int) -> [Double] {
            var out: [Double] = []
            for i in 0..<t { for o in 0..<d {
                var s = Double(bias?[o] ?? 0)
                for k in 0..<d { s += Double(x[n, i, k]) * Double(w[o, k]) }
                out.append(s)
            } }
            return out
        }
        var expectedOut: [Double] = [], expectedWeights: [Double] = []
        for n in 0..<b {
            let Q = project(q, p.queryWeight, p.queryBias, n, tq), K = project(kv, p.keyWeight, p.keyBias, n, tk)
            let V = project(kv, p.valueWeight, p.valueBias, n, tk)
            let dh = d / heads
            var merged = [Double](repeating: 0, count: tq * d)
            for h in 0..<heads {
                for i in 0..<tq {
                    var scores = (0..<tk).map { j in (0..<dh).reduce(0.0) { $0 + Q[i * d + h * dh + $1] * K[j * d + h * dh + $1] } / Double(dh).squareRoot() }
                    let peak = scores.max()!
                    scores = scores.map { Foundation.exp($0 - peak) }
                    let total = scores.reduce(0, +)
                    let weights = scores.map { $0 / total }
                    expectedWeights.append(contentsOf: weights)
                    for e in 0..<dh { merged[i * d + h * dh + e] = (0..<tk).reduce(0.0) { $0 + weights[$1] * V[$1 * d + h * dh + e] } }
                }
            }
            for i in 0..<tq { for o in 0..<d {
                expectedOut.append(Double(p.outputBias![o]) + (0..<d).reduce(0.0) { $0 + merged[i * d + $1] * Double(p.outputWeight[o, $1]) })
            } }
        }
        expectClose("attention output", result.output, expectedOut)
        expectClose("attention weights", result.weights, expectedWeights)
    }

    @Test func attentionBackward() throws {
        let p = projections(4, seed: 150)
        let q = randomTensor([1, 3, 4], seed: 133), kv = randomTensor([1, 4, 4], seed: 134)
        try checkGradients("attention (q, kv, Wq, Wk, Wv, Wo)", [q, kv, p.queryWeight, p.keyWeight, p.valueWeight, p.outputWeight]) { t in
            var projections = p
            projections.queryWeight = t[2]; projections.keyWeight = t[3]; projections.valueWeight = t[4]; projections.outputWeight = t[5]
            return try multiHeadAttention(query: t[0], key: t[1], value: t[1], projections: projections, heads: 2).output
        }
        try checkGradients("attention weights", [q, kv]) {
            try multiHeadAttention(query: $0[0], key: $0[1], value: $0[1], projections: p, heads: 2).weights
        }
        // A mask of −∞ removes a key.
        var maskValues = [Float](repeating: 0, count: 4)
        maskValues[3] = -.infinity
        let masked = try multiHeadAttention(query: q, key: kv, value: kv, projections: p, heads: 2,
                                            mask: try Tensor(shape: [1, 1, 1, 4], scalars: maskValues))
        #expect(try masked.weights.sliced(axis: 3, 3..<4).scalars.allSatisfy { $0 == 0 })
        #expect(throws: TensorError.self) { try multiHeadAttention(query: q, key: kv, value: kv, projections: p, heads: 3) }
    }

    @Test func binaryCrossEntropyLoss() throws {
        let logits = randomTensor([3, 5], seed: 135, in: -4...4)
        let targets = randomTensor([3, 5], seed: 136, in: 0...1)
        let weight = try Tensor(shape: [1, 5], scalars: [1, 0, 1, 0.5, 1])
        let perElement = zip(logits.scalars, targets.scalars).map { x, t -> Double in
            let p = 1 / (1 + Foundation.exp(-Double(x)))
            return -(Double(t) * Foundation.log(p) + (1 - Double(t)) * Foundation.log(1 - p))
        }
        expectClose("bce none", try binaryCrossEntropyWithLogits(logits, targets: targets, reduction: .none), perElement)
        expectClose("bce mean", try binaryCrossEntropyWithLogits(logits, targets: targets), [perElement.reduce(0, +) / 15], shape: [])
        let weighted = perElement.enumerated().map { $0.element * Double(weight.scalars[$0.offset % 5]) }
        expectClose("bce weighted sum", try binaryCrossEntropyWithLogits(logits, targets: targets, weight: weight, reduction: .sum),
                    [weighted.reduce(0, +)])
        try checkGradients("bce", [logits]) { try binaryCrossEntropyWithLogits($0[0], targets: targets, weight: weight) }
        // Stable at extreme logits.
        let extreme = try binaryCrossEntropyWithLogits(try Tensor(shape: [2], scalars: [-200, 200]), targets: try Tensor(shape: [2], scalars: [1, 0]))
        #expect(Swift.abs(try extreme.item() - 200) < 1e-3)
        #expect(throws: TensorError.self) { try binaryCrossEntropyWithLogits(logits, targets: weight) }
    }

    @Test func crossEntropyForInfoNCE() throws {
        let logits = randomTensor([4, 6], seed: 137, in: -3...3)
        let targets = [0, 5, 2, 2]
        var total = 0.0
        for i in 0..<4 {
            let row = (0..<6).map { Double(logits[i, $0]) }
            total += Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)) - row[targets[i]]
        }
        expectClose("crossEntropy", try crossEntropy(logits, targets: targets), [total / 4], shape: [])
        try checkGradients("crossEntropy", [logits]) { try crossEntropy($0[0], targets: targets) }
        #expect(throws: TensorError.self) { try crossEntropy(logits, targets: [0, 6, 1, 1]) }
        #expect(throws: TensorError.self) { try crossEntropy(logits, targets: [0]) }
    }
}
