import Foundation
import Testing
@testable import Tensor

@Suite struct NormalizationTests {
    @Test func batchNormTrainingForwardAndRunningStatistics() throws {
        let x = randomTensor([3, 4, 2, 5], seed: 111, in: -2...3)
        let gamma = randomTensor([4], seed: 112, in: 0.5...1.5), beta = randomTensor([4], seed: 113)
        let rm = randomTensor([4], seed: 114), rv = randomTensor([4], seed: 115, in: 0.5...2)
        let result = try batchNorm(x, weight: gamma, bias: beta, runningMean: rm, runningVariance: rv, training: true, momentum: 0.1)
        var expected = [Double](repeating: 0, count: x.count)
        for c in 0..<4 {
            var values: [Double] = []
            for n in 0..<3 { for i in 0..<2 { for j in 0..<5 { values.append(Double(x[n, c, i, j])) } } }
            let mean = values.reduce(0, +) / 30
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 30
            for n in 0..<3 { for i in 0..<2 { for j in 0..<5 {
                expected[flat([n, c, i, j], x.shape)] = (Double(x[n, c, i, j]) - mean) / (variance + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c])
            } } }
            #expect(Swift.abs(Double(result.runningMean[c]) - (0.9 * Double(rm[c]) + 0.1 * mean)) < 1e-5)
            #expect(Swift.abs(Double(result.runningVariance[c]) - (0.9 * Double(rv[c]) + 0.1 * variance * 30 / 29)) < 1e-5)
        }
        expectClose("batchNorm train", result.output, expected, shape: x.shape)
    }

    @Test func batchNormEvaluationForward() throws {
        let x = randomTensor([2, 3, 4], seed: 116)
        let rm = randomTensor([3], seed: 117), rv = randomTensor([3], seed: 118, in: 0.5...2)
        let gamma = randomTensor([3], seed: 119), beta = randomTensor([3], seed: 120)
        let result = try batchNorm(x, weight: gamma, bias: beta, runningMean: rm, runningVariance: rv, training: false)
        var expected: [Double] = []
        for n in 0..<2 { for c in 0..<3 { for t in 0..<4 {
            expected.append((Double(x[n, c, t]) - Double(rm[c])) / (Double(rv[c]) + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c]))
        } } }
        expectClose("batchNorm eval", result.output, expected)
        #expect(result.runningMean.scalars == rm.scalars && result.runningVariance.scalars == rv.scalars)
        #expect(throws: TensorError.self) {
            try batchNorm(x, weight: randomTensor([4], seed: 1), bias: nil, runningMean: rm, runningVariance: rv, training: false)
        }
    }

    @Test func batchNormBackward() throws {
        let rm = Tensor(zeros: [3]), rv = Tensor(repeating: 1, shape: [3])
        let x = randomTensor([4, 3, 5], seed: 121, in: -2...2)
        let gamma = randomTensor([3], seed: 122, in: 0.5...1.5), beta = randomTensor([3], seed: 123)
        try checkGradients("batchNorm train", [x, gamma, beta], epsilon: 1e-2) {
            try batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: rm, runningVariance: rv, training: true).output
        }
        try checkGradients("batchNorm train 5-D", [randomTensor([2, 2, 2, 3, 2], seed: 124, in: -2...2)]) {
            try batchNorm($0[0], weight: nil, bias: nil, runningMean: Tensor(zeros: [2]), runningVariance: Tensor(repeating: 1, shape: [2]), training: true).output
        }
        try checkGradients("batchNorm eval", [x, gamma, beta]) {
            try batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: rm + 0.3, runningVariance: rv * 2, training: false).output
        }
    }

    @Test func layerNormForwardAndBackward() throws {
        let x = randomTensor([2, 3, 8], seed: 125, in: -2...3)
        let gamma = randomTensor([8], seed: 126, in: 0.5...1.5), beta = randomTensor([8], seed: 127)
        let y = try layerNorm(x, weight: gamma, bias: beta)
        var expected: [Double] = []
        for row in 0..<6 {
            let values = (0..<8).map { Double(x.scalars[row * 8 + $0]) }
            let mean = values.reduce(0, +) / 8
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
            for i in 0..<8 { expected.append((values[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])) }
        }
        expectClose("layerNorm", y, expected, shape: x.shape)
        try checkGradients("layerNorm", [x, gamma, beta]) { try layerNorm($0[0], weight: $0[1], bias: $0[2]) }
        try checkGradients("layerNorm no affine", [x]) { try layerNorm($0[0], weight: nil, bias: nil) }
        #expect(throws: TensorError.self) { try layerNorm(x, weight: gamma, bias: randomTensor([7], seed: 1)) }
    }

    @Test func softmaxForwardAndBackward() throws {
        let x = randomTensor([2, 5, 3], seed: 128, in: -3...3)
        for axis in [0, 1, 2] {
            let y = try x.softmax(axis: axis)
            let ly = try x.logSoftmax(axis: axis)
            var expected = [Double](repeating: 0, count: x.count), logExpected = expected
            for i in 0..<2 { for j in 0..<5 { for k in 0..<3 {
                var idx = [i, j, k]
                var total = 0.0
                for m in 0..<x.shape[axis] { idx[axis] = m; total += Foundation.exp(Double(x[idx[0], idx[1], idx[2]])) }
                expected[flat([i, j, k], x.shape)] = Foundation.exp(Double(x[i, j, k])) / total
                logExpected[flat([i, j, k], x.shape)] = Double(x[i, j, k]) - Foundation.log(total)
            } } }
            expectClose("softmax axis \(axis)", y, expected)
            expectClose("logSoftmax axis \(axis)", ly, logExpected)
            try checkGradients("softmax axis \(axis)", [x]) { try $0[0].softmax(axis: axis) }
            try checkGradients("logSoftmax axis \(axis)", [x]) { try $0[0].logSoftmax(axis: axis) }
        }
        // Large logits do not overflow.
        let big = try Tensor(shape: [3], scalars: [1000, 1001, 999]).softmax()
        #expect(big.scalars.allSatisfy { $0.isFinite })
    }
}
