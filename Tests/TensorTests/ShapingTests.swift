import Testing
@testable import Tensor

@Suite struct ShapingTests {
    let x = randomTensor([2, 3, 4, 5], seed: 21)

    @Test func reshapeSharesStorageAndInfersExtent() throws {
        let y = try x.reshaped(to: [6, -1])
        #expect(y.shape == [6, 20])
        #expect(y.withUnsafeBufferPointer { $0.baseAddress } == x.withUnsafeBufferPointer { $0.baseAddress })
        #expect(try x.flattened(from: 1).shape == [2, 60])
        #expect(try x.unsqueezed(axis: 1).shape == [2, 1, 3, 4, 5])
        #expect(try x.unsqueezed(axis: -1).shape == [2, 3, 4, 5, 1])
        #expect(try x.unsqueezed(axis: 0).squeezed(axis: 0).shape == x.shape)
        #expect(throws: TensorError.self) { try x.squeezed(axis: 1) }
        try checkGradients("reshape", [x]) { try $0[0].reshaped(to: [4, 30]) }
    }

    @Test func permuteMatchesDefinition() throws {
        let order = [2, 0, 3, 1]
        let y = try x.permuted(order)
        #expect(y.shape == [4, 2, 5, 3])
        var expected: [Double] = []
        for i in 0..<4 { for j in 0..<2 { for k in 0..<5 { for l in 0..<3 {
            expected.append(Double(x[j, l, i, k]))
        } } } }
        expectClose("permute", y, expected, tolerance: 0)
        expectClose("transpose", try x.transposed(1, 3), {
            var e: [Double] = []
            for i in 0..<2 { for j in 0..<5 { for k in 0..<4 { for l in 0..<3 { e.append(Double(x[i, l, k, j])) } } } }
            return e
        }(), tolerance: 0)
        // Adjacent axes that stay in order (merged by the kernel).
        let z = try x.permuted([2, 3, 0, 1])
        #expect(z[3, 4, 1, 2] == x[1, 2, 3, 4])
        try checkGradients("permute", [x]) { try $0[0].permuted(order) }
    }

    @Test func sliceSelectAndConcat() throws {
        let s = try x.sliced(axis: 2, 1..<3)
        #expect(s.shape == [2, 3, 2, 5])
        var expected: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 1..<3 { for l in 0..<5 { expected.append(Double(x[i, j, k, l])) } } } }
        expectClose("slice", s, expected, tolerance: 0)
        #expect(try x.selecting(2, axis: 1).shape == [2, 4, 5])
        let other = randomTensor([2, 2, 4, 5], seed: 22)
        let c = try concat([x, other], axis: 1)
        #expect(c.shape == [2, 5, 4, 5])
        #expect(c[1, 3, 2, 1] == other[1, 0, 2, 1])
        #expect(c[1, 2, 2, 1] == x[1, 2, 2, 1])
        #expect(throws: TensorError.self) { try concat([x, randomTensor([2, 2, 3, 5], seed: 1)], axis: 1) }
        let st = try stack([x, x], axis: 0)
        #expect(st.shape == [2, 2, 3, 4, 5])
        try checkGradients("slice", [x]) { try $0[0].sliced(axis: 3, 1..<4) }
        try checkGradients("temporal difference", [x]) { try $0[0].sliced(axis: 2, 1..<4) - $0[0].sliced(axis: 2, 0..<3) }
        try checkGradients("concat", [x, other]) { try concat([$0[0], $0[1]], axis: 1) }
    }

    @Test func reductionsForwardAndBackward() throws {
        let s = try x.sum(axes: [1, 3])
        #expect(s.shape == [2, 4])
        var expected: [Double] = []
        for i in 0..<2 { for k in 0..<4 {
            var total = 0.0
            for j in 0..<3 { for l in 0..<5 { total += Double(x[i, j, k, l]) } }
            expected.append(total)
        } }
        expectClose("sum axes", s, expected)
        expectClose("mean keepdims", try x.mean(axes: [1, 3], keepingDims: true), expected.map { $0 / 15 }, shape: [2, 1, 4, 1])
        expectClose("sum all", x.sum(), [x.scalars.reduce(0.0) { $0 + Double($1) }], shape: [])
        expectClose("mean over H,W", try x.mean(axes: [-2, -1]), {
            var e: [Double] = []
            for i in 0..<2 { for j in 0..<3 {
                var t = 0.0
                for k in 0..<4 { for l in 0..<5 { t += Double(x[i, j, k, l]) } }
                e.append(t / 20)
            } }
            return e
        }())
        let broad = try x.sum(axes: [0]).expanded(to: [3, 2, 3, 4, 5])
        #expect(broad.shape == [3, 2, 3, 4, 5])
        try checkGradients("sum", [x]) { try $0[0].sum(axes: [0, 2]) }
        try checkGradients("mean", [x]) { try $0[0].mean(axes: [3], keepingDims: true) }
        try checkGradients("expand", [randomTensor([3, 1, 5], seed: 9)]) { try $0[0].expanded(to: [2, 3, 4, 5]) }
    }

    @Test func maxArgmaxNormalisationAndMSE() throws {
        let y = distinctTensor([3, 4, 5], seed: 23)
        let m = try y.maximum(axis: 1)
        #expect(m.shape == [3, 5])
        var expected: [Double] = [], indices: [Int] = []
        for i in 0..<3 { for k in 0..<5 {
            let column = (0..<4).map { y[i, $0, k] }
            expected.append(Double(column.max()!))
            indices.append(column.firstIndex(of: column.max()!)!)
        } }
        expectClose("max", m, expected, tolerance: 0)
        #expect(try y.argmax(axis: 1) == indices)
        #expect(try y.maximum(axis: -1, keepingDims: true).shape == [3, 4, 1])
        try checkGradients("max", [y], epsilon: 1e-3) { try $0[0].maximum(axis: 1) }
        let v = randomTensor([2, 3, 6], seed: 24)
        let n = try v.l2Normalized(axis: -1)
        var norms: [Double] = []
        for i in 0..<2 { for j in 0..<3 { norms.append((0..<6).reduce(0.0) { $0 + Double(n[i, j, $1] * n[i, j, $1]) }) } }
        #expect(norms.allSatisfy { Swift.abs($0 - 1) < 1e-5 })
        try checkGradients("l2Normalized", [v]) { try $0[0].l2Normalized(axis: 2) }
        let a = randomTensor([4, 3], seed: 25), b = randomTensor([4, 3], seed: 26)
        let mse = zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / 12
        expectClose("meanSquaredError", try meanSquaredError(a, b), [mse])
        try checkGradients("meanSquaredError", [a, b]) { try meanSquaredError($0[0], $0[1]) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [2, 0]).argmax(axis: 1) }
    }
}
