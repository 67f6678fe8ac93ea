import Testing
@testable import Tensor

/// End-to-end: small networks built from the engine's ops learn simple tasks to near-zero loss.
@Suite struct LearningTests {
    @Test func mlpLearnsXOR() throws {
        var generator = Xoshiro256(seed: 2024)
        // 64 points in the four quadrants; the label is 1 where the signs of x and y differ.
        var points: [Float] = [], labels: [Float] = []
        for _ in 0..<64 {
            let x = generator.nextFloat() * 2 - 1, y = generator.nextFloat() * 2 - 1
            points += [x + (x > 0 ? 0.2 : -0.2), y + (y > 0 ? 0.2 : -0.2)]
            labels.append((x > 0) != (y > 0) ? 1 : 0)
        }
        let inputs = try Tensor(shape: [64, 2], scalars: points), targets = try Tensor(shape: [64, 1], scalars: labels)
        let w1 = Parameter(Tensor.defaultInitialised([16, 2], using: &generator), name: "w1")
        let b1 = Parameter(Tensor(zeros: [16]), name: "b1")
        let w2 = Parameter(Tensor.defaultInitialised([1, 16], using: &generator), name: "w2")
        let b2 = Parameter(Tensor(zeros: [1]), name: "b2")
        var optimizer = try AdamW(groups: [ParameterGroup(name: "mlp", parameters: [w1, b1, w2, b2], learningRate: 0.03, weightDecay: 0)])
        let schedule = WarmupCosineSchedule(warmupSteps: 20, totalSteps: 600, floor: 0.1)
        var loss: Float = .infinity
        for step in 0..<600 {
            let hidden = try linear(inputs, weight: w1.value, bias: b1.value).gelu() // (64, 16)
            let logits = try linear(hidden, weight: w2.value, bias: b2.value) // (64, 1)
            let objective = try binaryCrossEntropyWithLogits(logits, targets: targets)
            optimizer.zeroGrad()
            try objective.backward()
            clipGradientNorm(optimizer.parameters, maxNorm: 5)
            optimizer.step(learningRateScale: schedule.factor(atStep: step))
            loss = try objective.item()
        }
        print("XOR: final loss \(loss)")
        #expect(loss < 0.02)
    }

    @Test func convNetLearnsBarOrientation() throws {
        var generator = Xoshiro256(seed: 7)
        // 8×8 images with one bright bar, horizontal (class 0), vertical (1) or diagonal (2), plus noise.
        func batch(_ n: Int) throws -> (Tensor, [Int]) {
            var pixels: [Float] = [], classes: [Int] = []
            for _ in 0..<n {
                let kind = Int(generator.next() % 3), offset = Int(generator.next() % 6) + 1
                for i in 0..<8 { for j in 0..<8 {
                    let on = kind == 0 ? i == offset : kind == 1 ? j == offset : (i - j) == offset - 3
                    pixels.append((on ? 1 : 0) + 0.1 * (generator.nextFloat() - 0.5))
                } }
                classes.append(kind)
            }
            return (try Tensor(shape: [n, 1, 8, 8], scalars: pixels), classes)
        }
        let conv1 = Parameter(Tensor.defaultInitialised([8, 1, 3, 3], using: &generator), name: "conv1")
        let bnWeight = Parameter(Tensor(repeating: 1, shape: [8]), name: "bn.weight")
        let bnBias = Parameter(Tensor(zeros: [8]), name: "bn.bias")
        let conv2 = Parameter(Tensor.defaultInitialised([16, 8, 3, 3], using: &generator), name: "conv2")
        let head = Parameter(Tensor.defaultInitialised([3, 16], using: &generator), name: "head")
        var runningMean = Tensor(zeros: [8]), runningVariance = Tensor(repeating: 1, shape: [8])
        var optimizer = try AdamW(groups: [
            ParameterGroup(name: "convs", parameters: [conv1, conv2, head], learningRate: 0.02, weightDecay: 0.01),
            ParameterGroup(name: "norms", parameters: [bnWeight, bnBias], learningRate: 0.02, weightDecay: 0),
        ])
        func forward(_ images: Tensor, training: Bool) throws -> Tensor {
            let c1 = try conv2d(images, weight: conv1.value, padding: (1, 1)) // (N, 8, 8, 8)
            let normalised = try batchNorm(c1, weight: bnWeight.value, bias: bnBias.value, runningMean: runningMean,
                                           runningVariance: runningVariance, training: training)
            if training {
                runningMean = normalised.runningMean
                runningVariance = normalised.runningVariance
            }
            let pooled = try maxPool2d(normalised.output.relu(), kernel: (2, 2)) // (N, 8, 4, 4)
            let c2 = try conv2d(pooled, weight: conv2.value, padding: (1, 1)).relu() // (N, 16, 4, 4)
            let features = try c2.adaptiveAveragePooled(to: [1, 1]).flattened(from: 1) // (N, 16)
            return try linear(features, weight: head.value) // (N, 3)
        }
        var loss: Float = .infinity
        for _ in 0..<150 {
            let (images, classes) = try batch(24)
            let objective = try crossEntropy(try forward(images, training: true), targets: classes)
            optimizer.zeroGrad()
            try objective.backward()
            optimizer.step()
            loss = try objective.item()
        }
        let (test, classes) = try batch(60)
        let logits = try withNoGrad { try forward(test, training: false) }
        let evalLoss = try crossEntropy(logits, targets: classes).item()
        let correct = (0..<60).filter { i in
            let row = (0..<3).map { logits[i, $0] }
            return row.firstIndex(of: row.max()!) == classes[i]
        }.count
        print("bars: final training loss \(loss), held-out loss \(evalLoss), accuracy \(correct)/60")
        #expect(loss < 0.05)
        #expect(correct >= 58)
    }
}
