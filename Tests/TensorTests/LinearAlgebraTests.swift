import Foundation
import Testing
@testable import Tensor

/// `C[b][i][j] = Σₖ A[b][i][k] · B[b][k][j]` by loops (`bShared`: one B for all batches).
func referenceMatmul(_ a: Tensor, _ b: Tensor, batches: Int, m: Int, k: Int, n: Int, bShared: Bool = false) -> [Double] {
    let pa = a.scalars, pb = b.scalars
    var out: [Double] = []
    for batch in 0..<batches { for i in 0..<m { for j in 0..<n {
        var s = 0.0
        for l in 0..<k {
            s += Double(pa[(batch * m + i) * k + l]) * Double(pb[(bShared ? 0 : batch * k * n) + l * n + j])
        }
        out.append(s)
    } } }
    return out
}

@Suite struct LinearAlgebraTests {
    @Test func matmulForward() throws {
        let a = randomTensor([5, 7], seed: 31), b = randomTensor([7, 3], seed: 32)
        expectClose("matmul", try matmul(a, b), referenceMatmul(a, b, batches: 1, m: 5, k: 7, n: 3), shape: [5, 3])
        let ba = randomTensor([2, 3, 4, 6], seed: 33), bb = randomTensor([2, 3, 6, 5], seed: 34)
        expectClose("batched matmul", try matmul(ba, bb), referenceMatmul(ba, bb, batches: 6, m: 4, k: 6, n: 5), shape: [2, 3, 4, 5])
        let shared = randomTensor([6, 5], seed: 35)
        expectClose("matmul shared rhs", try matmul(ba, shared), referenceMatmul(ba, shared, batches: 6, m: 4, k: 6, n: 5, bShared: true))
        let bt = randomTensor([2, 3, 5, 6], seed: 36)
        expectClose("matmul transposed", try matmulTransposed(ba, bt),
                    referenceMatmul(ba, try bt.transposed(2, 3), batches: 6, m: 4, k: 6, n: 5))
        #expect(throws: TensorError.self) { try matmul(ba, randomTensor([2, 2, 6, 5], seed: 1)) }
    }

    @Test func matmulBackward() throws {
        try checkGradients("matmul", [randomTensor([4, 5], seed: 41), randomTensor([5, 3], seed: 42)]) { try matmul($0[0], $0[1]) }
        try checkGradients("batched matmul", [randomTensor([2, 3, 4], seed: 43), randomTensor([2, 4, 5], seed: 44)]) { try matmul($0[0], $0[1]) }
        try checkGradients("matmul shared rhs", [randomTensor([2, 3, 4], seed: 45), randomTensor([4, 5], seed: 46)]) { try matmul($0[0], $0[1]) }
        try checkGradients("matmulTransposed", [randomTensor([2, 3, 4], seed: 47), randomTensor([2, 5, 4], seed: 48)]) { try matmulTransposed($0[0], $0[1]) }
        try checkGradients("matmulTransposed shared", [randomTensor([2, 3, 4], seed: 49), randomTensor([5, 4], seed: 50)]) { try matmulTransposed($0[0], $0[1]) }
    }

    @Test func linearForwardAndBackward() throws {
        let x = randomTensor([2, 3, 6], seed: 51), w = randomTensor([4, 6], seed: 52), bias = randomTensor([4], seed: 53)
        var expected: [Double] = []
        for r in 0..<6 { for o in 0..<4 {
            var s = Double(bias[o])
            for i in 0..<6 { s += Double(x.scalars[r * 6 + i]) * Double(w[o, i]) }
            expected.append(s)
        } }
        expectClose("linear", try linear(x, weight: w, bias: bias), expected, shape: [2, 3, 4])
        #expect(try linear(randomTensor([6], seed: 1), weight: w).shape == [4])
        #expect(throws: TensorError.self) { try linear(x, weight: randomTensor([4, 5], seed: 1)) }
        #expect(throws: TensorError.self) { try linear(x, weight: w, bias: randomTensor([3], seed: 1)) }
        try checkGradients("linear", [x, w, bias]) { try linear($0[0], weight: $0[1], bias: $0[2]) }
    }
}
