import Foundation
import Testing
@testable import Tensor

/// A tensor of uniform values in `range`, reproducible from `seed`.
func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
    var generator = Xoshiro256(seed: seed)
    return Tensor.uniform(shape, in: range, using: &generator)
}

/// Values spaced at least `gap` apart in a random order, for ops with kinks (max pooling) where
/// a finite difference must not cross a tie.
func distinctTensor(_ shape: [Int], seed: UInt64, gap: Float = 0.01) -> Tensor {
    var generator = Xoshiro256(seed: seed)
    let n = shape.reduce(1, *)
    var values = (0..<n).map { Float($0) * gap - Float(n) * gap / 2 }
    for i in stride(from: n - 1, to: 0, by: -1) {
        values.swapAt(i, Int(generator.next() % UInt64(i + 1)))
    }
    return try! Tensor(shape: shape, scalars: values)
}

/// The largest absolute difference, and that difference relative to the reference's largest
/// magnitude.
func errors(_ actual: [Float], _ expected: [Double]) -> (abs: Double, rel: Double) {
    precondition(actual.count == expected.count, "errors: \(actual.count) vs \(expected.count) elements")
    var worst = 0.0, scale = 1e-12
    for (a, e) in zip(actual, expected) {
        worst = max(worst, Swift.abs(Double(a) - e))
        scale = max(scale, Swift.abs(e))
    }
    return (worst, worst / scale)
}

/// Checks `actual` against a definitional reference, prints the error, and expects the relative
/// error below `tolerance`.
func expectClose(_ name: String, _ actual: Tensor, _ expected: [Double], shape: [Int]? = nil, tolerance: Double = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    if let shape { #expect(actual.shape == shape, "\(name) shape", sourceLocation: sourceLocation) }
    let e = errors(actual.scalars, expected)
    print("forward \(name): max abs err \(e.abs), max rel err \(e.rel)")
    #expect(e.rel <= tolerance, "\(name): max rel err \(e.rel)", sourceLocation: sourceLocation)
}

/// Compares the analytic gradients of `f` at `inputs` with central finite differences of the
/// scalar `Σ f(inputs) · r` (`r` a fixed random projection), evaluated in Float32 and
/// accumulated in Double. Prints and expects the relative L2 error of every input's gradient
/// below `tolerance`; a wrong gradient (missing term, wrong sign or factor, transposed) gives an
/// error of order 1.
func checkGradients(_ name: String, _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Double = 1e-2,
                    only: Set<Int>? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                    _ f: ([Tensor]) throws -> Tensor) throws {
    let leaves = inputs.map { $0.requiringGrad() }
    let output = try f(leaves)
    let projection = randomTensor(output.shape, seed: 99)
    let gradients = try (output * projection).sum().backward()
    func objective(_ xs: [Tensor]) throws -> Double {
        let y = try withNoGrad { try f(xs) }
        return zip(y.scalars, projection.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    for (index, input) in inputs.enumerated() where only?.contains(index) ?? true {
        let analytic = gradients[leaves[index]]?.scalars ?? [Float](repeating: 0, count: input.count)
        var numeric = [Double](repeating: 0, count: input.count)
        for j in 0..<input.count {
            var plus = inputs, minus = inputs
            plus[index].withUnsafeMutableBufferPointer { $0[j] += epsilon }
            minus[index].withUnsafeMutableBufferPointer { $0[j] -= epsilon }
            numeric[j] = (try objective(plus) - objective(minus)) / (2 * Double(epsilon))
        }
        var difference = 0.0, normA = 0.0, normN = 0.0
        for (a, n) in zip(analytic, numeric) {
            difference += (Double(a) - n) * (Double(a) - n)
            normA += Double(a) * Double(a)
            normN += n * n
        }
        let relative = difference.squareRoot() / max(normA.squareRoot(), normN.squareRoot(), 1e-8)
        print("backward \(name) input \(index): relative L2 error \(relative) (|grad| \(normN.squareRoot()))")
        #expect(relative < tolerance, "\(name) input \(index): relative error \(relative)", sourceLocation: sourceLocation)
        #expect(normN > 1e-10 || normA < 1e-10, "\(name) input \(index): gradient vanished", sourceLocation: sourceLocation)
    }
}

/// Row-major flat index of `index` in `shape`.
func flat(_ index: [Int], _ shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
}
