import Foundation
import Testing
@testable import Tensor

@Suite struct ElementwiseTests {
    let a = randomTensor([2, 3, 4], seed: 1)
    let b = randomTensor([3, 1], seed: 2, in: 0.5...1.5)

    /// `f(a[i,j,k], b[j,0])` by loops: the definition of broadcasting `(2,3,4)` with `(3,1)`.
    func broadcastReference(_ f: (Double, Double) -> Double) -> [Double] {
        var out: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            out.append(f(Double(a[i, j, k]), Double(b[j, 0])))
        } } }
        return out
    }

    @Test func broadcastArithmeticForward() throws {
        expectClose("add", try a + b, broadcastReference(+), shape: [2, 3, 4])
        expectClose("sub", try a - b, broadcastReference(-), shape: [2, 3, 4])
        expectClose("mul", try a * b, broadcastReference(*), shape: [2, 3, 4])
        expectClose("div", try a / b, broadcastReference(/), shape: [2, 3, 4])
        // Leading-axis broadcast and scalar operands.
        let row = randomTensor([4], seed: 3)
        var expected: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { expected.append(Double(row[k]) - Double(a[i, j, k])) } } }
        expectClose("sub row", try row - a, expected)
        expectClose("scalar", 2 * a + 1, a.scalars.map { 2 * Double($0) + 1 })
        expectClose("rsub scalar", 1 - a, a.scalars.map { 1 - Double($0) })
        expectClose("scalar tensor", try a * Tensor(scalar: 3), a.scalars.map { 3 * Double($0) })
    }

    @Test func broadcastArithmeticBackward() throws {
        try checkGradients("add", [a, b]) { try $0[0] + $0[1] }
        try checkGradients("sub", [a, b]) { try $0[0] - $0[1] }
        try checkGradients("mul", [a, b]) { try $0[0] * $0[1] }
        try checkGradients("div", [a, b]) { try $0[0] / $0[1] }
        try checkGradients("div row by full", [randomTensor([4], seed: 5), randomTensor([3, 4], seed: 6, in: 1...2)]) { try $0[0] / $0[1] }
        try checkGradients("scalar ops", [a]) { (2 - $0[0] * 3 + 1) / 4 }
        try checkGradients("neg", [a]) { -$0[0] }
    }

    @Test func unaryFunctionsForwardAndBackward() throws {
        let positive = randomTensor([3, 5], seed: 4, in: 0.5...2)
        let xs = a.scalars.map(Double.init), ps = positive.scalars.map(Double.init)
        expectClose("square", a.squared(), xs.map { $0 * $0 })
        expectClose("sqrt", positive.sqrt(), ps.map { $0.squareRoot() })
        expectClose("exp", a.exp(), xs.map { Foundation.exp($0) })
        expectClose("log", positive.log(), ps.map { Foundation.log($0) })
        expectClose("pow", positive.pow(1.5), ps.map { Foundation.pow($0, 1.5) })
        expectClose("abs", a.abs(), xs.map { Swift.abs($0) })
        expectClose("clamp", a.clamped(to: -0.5...0.5), xs.map { Swift.min(Swift.max($0, -0.5), 0.5) })
        try checkGradients("square", [a]) { $0[0].squared() }
        try checkGradients("sqrt", [positive]) { $0[0].sqrt() }
        try checkGradients("exp", [a]) { $0[0].exp() }
        try checkGradients("log", [positive]) { $0[0].log() }
        try checkGradients("pow", [positive]) { $0[0].pow(1.5) }
    }

    /// Tensors large enough that the elementwise loops split into parts (two threads here,
    /// whatever the machine has) give exactly the one-element-at-a-time results, forward and
    /// backward, and gradient accumulation adds every element.
    @Test func largeTensorsMatchElementByElement() throws {
        try Engine.withThreadCount(2) {
            let x = randomTensor([3, 50_000], seed: 7), row = randomTensor([50_000], seed: 8)
            let xs = x.scalars, rs = row.scalars
            #expect(x.relu().scalars == xs.map { Swift.max($0, 0) })
            #expect(x.clamped(to: -0.25...0.5).scalars == xs.map { Swift.min(Swift.max($0, -0.25), 0.5) })
            #expect((x * 3).scalars == xs.map { $0 * 3 })
            #expect((-x).scalars == xs.map { -$0 })
            #expect(try (x + row).scalars == xs.indices.map { xs[$0] + rs[$0 % 50_000] })
            #expect(try (x - x).scalars.allSatisfy { $0 == 0 })
            // relu's gradient, and x used twice so that the two gradients are accumulated.
            let p = Parameter(x)
            let loss = try (p.value.relu() + p.value * 2).sum()
            try loss.backward()
            #expect(p.grad?.scalars == xs.map { ($0 > 0 ? 1 : 0) + 2 })
        }
    }

    @Test func activationsForward() throws {
        let x = randomTensor([4, 6], seed: 8, in: -4...4)
        let xs = x.scalars.map(Double.init)
        expectClose("relu", x.relu(), xs.map { Swift.max($0, 0) })
        expectClose("gelu", x.gelu(), xs.map { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) })
        expectClose("sigmoid", x.sigmoid(), xs.map { 1 / (1 + Foundation.exp(-$0)) })
        expectClose("tanh", x.tanh(), xs.map { Foundation.tanh($0) })
        expectClose("softplus", x.softplus(), xs.map { Foundation.log(1 + Foundation.exp($0)) })
        // Extreme inputs stay finite.
        let extreme = try Tensor(shape: [4], scalars: [-200, -90, 90, 200])
        #expect(extreme.sigmoid().scalars.allSatisfy { $0.isFinite })
        #expect(extreme.softplus().scalars.allSatisfy { $0.isFinite })
    }

    @Test func activationsBackward() throws {
        // Keep ReLU's inputs away from its kink so that the finite difference is defined.
        let away = a.scalars.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        let x = try Tensor(shape: a.shape, scalars: away)
        try checkGradients("relu", [x], epsilon: 1e-3) { $0[0].relu() }
        try checkGradients("gelu", [x * 2]) { $0[0].gelu() }
        try checkGradients("sigmoid", [x * 3]) { $0[0].sigmoid() }
        try checkGradients("tanh", [x]) { $0[0].tanh() }
        try checkGradients("softplus", [x * 3]) { $0[0].softplus() }
        try checkGradients("abs", [x], epsilon: 1e-3) { $0[0].abs() }
        try checkGradients("clamp", [x], epsilon: 1e-3) { $0[0].clamped(to: -0.55...0.45) }
    }

    @Test func dropoutKeepsExpectationAndMasksGradient() throws {
        var generator = Xoshiro256(seed: 11)
        let x = Tensor(repeating: 1, shape: [100, 100])
        let y = try x.dropout(probability: 0.25, using: &generator)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { Swift.abs($0 - 4 / 3) < 1e-6 })
        #expect(Swift.abs(Double(kept.count) / 10000 - 0.75) < 0.02)
        // Same seed, same mask.
        var again = Xoshiro256(seed: 11)
        #expect(try x.dropout(probability: 0.25, using: &again).scalars == y.scalars)
        // Gradient is the mask.
        let leaf = x.requiringGrad()
        var g3 = Xoshiro256(seed: 11)
        let out = try leaf.dropout(probability: 0.25, using: &g3)
        let grads = try out.sum().backward()
        #expect(grads[leaf]!.scalars == y.scalars)
        #expect(throws: TensorError.self) { try x.dropout(probability: 1.5, using: &generator) }
        #expect(try x.dropout(probability: 0, using: &generator).scalars == x.scalars)
    }

    @Test func channelDropoutZeroesWholeChannels() throws {
        var generator = Xoshiro256(seed: 12)
        let x = randomTensor([4, 16, 3, 2, 2], seed: 13, in: 1...2)
        let y = try x.channelDropout(probability: 0.5, using: &generator)
        var dropped = 0
        for n in 0..<4 {
            for c in 0..<16 {
                let channel = try y.sliced(axis: 0, n..<(n + 1)).sliced(axis: 1, c..<(c + 1)).scalars
                let source = try x.sliced(axis: 0, n..<(n + 1)).sliced(axis: 1, c..<(c + 1)).scalars
                if channel.allSatisfy({ $0 == 0 }) {
                    dropped += 1
                } else {
                    #expect(zip(channel, source).allSatisfy { Swift.abs($0 - 2 * $1) < 1e-6 })
                }
            }
        }
        #expect(dropped > 16 && dropped < 48)
    }
}
