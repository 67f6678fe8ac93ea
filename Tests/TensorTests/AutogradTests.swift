import Testing
@testable import Tensor

@Suite struct AutogradTests {
    @Test func noGradRecordsNothing() throws {
        let w = Parameter(randomTensor([4, 3], seed: 161), name: "w")
        let x = randomTensor([2, 3], seed: 162)
        let recorded = try linear(x, weight: w.value)
        #expect(recorded.requiresGrad)
        let plain = try withNoGrad { try linear(x, weight: w.value).relu() }
        #expect(!plain.requiresGrad)
        #expect(plain.node == nil)
        #expect(throws: TensorError.self) { try plain.sum().backward() }
        // Inputs that require nothing build no graph even with recording on.
        #expect(try linear(x, weight: randomTensor([4, 3], seed: 1)).node == nil)
    }

    @Test func noGradIsTaskLocal() async throws {
        let w = Parameter(randomTensor([3], seed: 163), name: "w")
        async let inside: Bool = withNoGrad { await Task { (w.value * 2).requiresGrad }.value }
        async let outside: Bool = Task { (w.value * 2).requiresGrad }.value
        let (a, b) = await (inside, outside)
        #expect(a == false)
        #expect(b == true)
    }

    @Test func inferenceReleasesIntermediates() throws {
        weak var intermediate: TensorStorage?
        let x = randomTensor([8, 16], seed: 164)
        let w = Parameter(randomTensor([16, 16], seed: 165), name: "w")
        let output: Tensor = try withNoGrad {
            let h = try linear(x, weight: w.value).relu()
            intermediate = h.storage
            return try linear(h, weight: w.value)
        }
        #expect(intermediate == nil, "an activation outlived the no-grad forward pass")
        #expect(output.shape == [8, 16])
        // With recording on, the graph keeps it until the loss is dropped.
        weak var saved: TensorStorage?
        do {
            let h = try linear(x, weight: w.value).relu()
            saved = h.storage
            let loss = try linear(h, weight: w.value).sum()
            #expect(saved != nil)
            try loss.backward()
        }
        #expect(saved == nil, "the graph outlived the loss")
    }

    @Test func frozenParametersGetNoGradient() throws {
        let frozen = Parameter(randomTensor([3, 3], seed: 166), name: "frozen", isFrozen: true)
        let live = Parameter(randomTensor([3, 3], seed: 167), name: "live")
        let x = randomTensor([2, 3], seed: 168)
        let y = try linear(linear(x, weight: frozen.value), weight: live.value)
        try y.sum().backward()
        #expect(frozen.grad == nil)
        #expect(live.grad != nil)
        #expect(!(try linear(x, weight: frozen.value)).requiresGrad)
        frozen.isFrozen = false
        try linear(x, weight: frozen.value).sum().backward()
        #expect(frozen.grad != nil)
    }

    @Test func gradientsAccumulateUntilZeroed() throws {
        let p = Parameter(randomTensor([5], seed: 169), name: "p")
        let x = randomTensor([5], seed: 170)
        try (p.value * x).sum().backward()
        let once = p.grad!.scalars
        try (p.value * x).sum().backward()
        #expect(p.grad!.scalars == once.map { 2 * $0 })
        p.zeroGrad()
        #expect(p.grad == nil)
        #expect(once == x.scalars)
    }

    @Test func sharedSubexpressionsSumTheirGradients() throws {
        let x = randomTensor([3], seed: 171).requiringGrad()
        let y = try x * x + x.exp() * x // uses x four times
        let g = try y.sum().backward()
        let expected = x.scalars.map { 2 * $0 + Foundation.exp($0) * (1 + $0) }
        #expect(zip(g[x]!.scalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
    }

    @Test func deepGraphsDoNotOverflowTheStack() throws {
        var y = randomTensor([4], seed: 172).requiringGrad()
        let x = y
        for _ in 0..<20000 { y = y * 1.0001 }
        let g = try y.sum().backward()
        #expect(Swift.abs(g[x]!.scalars[0] - Float(Foundation.pow(1.0001, 20000.0))) < 1e-2)
    }

    @Test func backwardWithSeedAndShapeChecks() throws {
        let x = randomTensor([2, 3], seed: 173).requiringGrad()
        let y = x * 3
        #expect(throws: TensorError.self) { try y.backward() }
        #expect(throws: TensorError.self) { try y.backward(seed: Tensor(zeros: [3])) }
        let g = try y.backward(seed: Tensor(repeating: 2, shape: [2, 3]))
        #expect(g[x]!.scalars == [Float](repeating: 6, count: 6))
    }

    @Test func concurrentTrainingStepsAreIndependent() async throws {
        let results = try await withThrowingTaskGroup(of: [Float].self) { group in
            for seed in 0..<4 {
                group.addTask {
                    let p = Parameter(randomTensor([8], seed: 200), name: "p")
                    let x = randomTensor([8], seed: UInt64(seed % 2))
                    try (p.value * x).sum().backward()
                    return p.grad!.scalars
                }
            }
            var all: [[Float]] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(Set(results.map { $0.description }).count == 2)
    }
}

import Foundation
