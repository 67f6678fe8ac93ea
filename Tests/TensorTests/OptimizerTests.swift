import Foundation
import Testing
@testable import Tensor

@Suite struct OptimizerTests {
    /// AdamW by its definition, in Double.
    func referenceAdamW(_ p: [Double], grads: [[Double]], lr: Double, wd: Double, b1: Double = 0.9, b2: Double = 0.999, eps: Double = 1e-8) -> [Double] {
        var p = p, m = [Double](repeating: 0, count: p.count), v = m
        for (t, g) in grads.enumerated() {
            let step = Double(t + 1)
            for i in 0..<p.count {
                p[i] -= lr * wd * p[i]
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                let mhat = m[i] / (1 - Foundation.pow(b1, step)), vhat = v[i] / (1 - Foundation.pow(b2, step))
                p[i] -= lr * mhat / (vhat.squareRoot() + eps)
            }
        }
        return p
    }

    @Test func adamWMatchesDefinition() throws {
        let initial = randomTensor([6], seed: 181)
        let p = Parameter(initial, name: "p")
        var optimizer = try AdamW(groups: [ParameterGroup(name: "all", parameters: [p], learningRate: 0.01, weightDecay: 0.1)])
        var grads: [[Double]] = []
        for step in 0..<5 {
            let g = randomTensor([6], seed: 190 + UInt64(step))
            grads.append(g.scalars.map(Double.init))
            p.grad = g
            optimizer.step()
        }
        let expected = referenceAdamW(initial.scalars.map(Double.init), grads: grads, lr: 0.01, wd: 0.1)
        expectClose("adamW 5 steps", p.value, expected, tolerance: 1e-6)
    }

    @Test func parameterGroupsAndFreezing() throws {
        let fast = Parameter(Tensor(repeating: 1, shape: [2]), name: "fast")
        let slow = Parameter(Tensor(repeating: 1, shape: [2]), name: "slow")
        let frozenGroup = Parameter(Tensor(repeating: 1, shape: [2]), name: "frozenGroup")
        let frozenParameter = Parameter(Tensor(repeating: 1, shape: [2]), name: "frozenParameter")
        var optimizer = try AdamW(groups: [
            ParameterGroup(name: "heads", parameters: [fast, frozenParameter], learningRate: 0.1, weightDecay: 0),
            ParameterGroup(name: "backbone", parameters: [slow], learningRate: 0.01, weightDecay: 0),
            ParameterGroup(name: "frozen", parameters: [frozenGroup], learningRate: 0.1, isFrozen: true),
        ])
        for p in optimizer.parameters { p.grad = Tensor(repeating: 1, shape: [2]) }
        frozenParameter.isFrozen = true
        optimizer.step(learningRateScale: 0.5)
        // Adam's first step moves each element by lr·scale (m̂/√v̂ = 1).
        #expect(fast.value.scalars.allSatisfy { Swift.abs($0 - 0.95) < 1e-6 })
        #expect(slow.value.scalars.allSatisfy { Swift.abs($0 - 0.995) < 1e-6 })
        #expect(frozenGroup.value.scalars == [1, 1])
        #expect(frozenParameter.value.scalars == [1, 1])
        optimizer.zeroGrad()
        #expect(fast.grad == nil)
        #expect(throws: TensorError.self) {
            try AdamW(groups: [ParameterGroup(name: "a", parameters: [fast, Parameter(Tensor(zeros: [1]), name: "fast")], learningRate: 1)])
        }
    }

    @Test func stateRoundTripResumesExactly() throws {
        func run(resumeAfter: Int?) throws -> [Float] {
            let p = Parameter(randomTensor([4], seed: 182), name: "p")
            var optimizer = try AdamW(groups: [ParameterGroup(name: "g", parameters: [p], learningRate: 0.05)])
            for step in 0..<6 {
                if step == resumeAfter {
                    let saved = optimizer.state, value = p.value
                    let q = Parameter(value, name: "p")
                    optimizer = try AdamW(groups: [ParameterGroup(name: "g", parameters: [q], learningRate: 0.05)])
                    try optimizer.load(state: saved)
                    return try continueRun(optimizer, q, from: step)
                }
                p.grad = randomTensor([4], seed: 300 + UInt64(step))
                optimizer.step()
            }
            return p.value.scalars
        }
        func continueRun(_ optimizer: AdamW, _ p: Parameter, from start: Int) throws -> [Float] {
            var optimizer = optimizer
            for step in start..<6 {
                p.grad = randomTensor([4], seed: 300 + UInt64(step))
                optimizer.step()
            }
            return p.value.scalars
        }
        #expect(try run(resumeAfter: nil) == run(resumeAfter: 3))
    }

    @Test func gradientNormClipping() throws {
        let a = Parameter(Tensor(zeros: [2]), name: "a"), b = Parameter(Tensor(zeros: [1]), name: "b")
        a.grad = try Tensor(shape: [2], scalars: [3, 4])
        b.grad = try Tensor(shape: [1], scalars: [12])
        let norm = clipGradientNorm([a, b], maxNorm: 6.5)
        #expect(Swift.abs(norm - 13) < 1e-5)
        #expect(zip(a.grad!.scalars + b.grad!.scalars, [1.5, 2, 6]).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
        let clipped = a.grad!.scalars
        #expect(Swift.abs(clipGradientNorm([a, b], maxNorm: 100) - 6.5) < 1e-4)
        #expect(a.grad!.scalars == clipped, "a norm under the limit leaves gradients alone")
    }

    @Test func warmupCosineSchedule() {
        let schedule = WarmupCosineSchedule(warmupSteps: 10, totalSteps: 110, floor: 0.1)
        #expect(schedule.factor(atStep: 0) == 0.1)
        #expect(schedule.factor(atStep: 9) == 1)
        #expect(Swift.abs(schedule.factor(atStep: 10) - 1) < 1e-6)
        #expect(Swift.abs(schedule.factor(atStep: 60) - 0.55) < 1e-6)
        #expect(Swift.abs(schedule.factor(atStep: 109) - 0.1) < 1e-3)
        #expect(schedule.factor(atStep: 500) == 0.1)
        let factors = (10..<110).map { schedule.factor(atStep: $0) }
        #expect(zip(factors, factors.dropFirst()).allSatisfy { $0 >= $1 })
    }
}
