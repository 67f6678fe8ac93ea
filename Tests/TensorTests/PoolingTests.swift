import Testing
@testable import Tensor

@Suite struct PoolingTests {
    @Test func maxPool3dForwardAndBackward() throws {
        let x = distinctTensor([2, 3, 4, 7, 7], seed: 91)
        let y = try maxPool3d(x, kernel: (1, 3, 3), stride: (1, 2, 2), padding: (0, 1, 1))
        #expect(y.shape == [2, 3, 4, 4, 4])
        var expected: [Double] = []
        for n in 0..<2 { for c in 0..<3 { for t in 0..<4 { for i in 0..<4 { for j in 0..<4 {
            var best = -Double.infinity
            for a in (2 * i - 1)...(2 * i + 1) { for b in (2 * j - 1)...(2 * j + 1) where a >= 0 && a < 7 && b >= 0 && b < 7 {
                best = max(best, Double(x[n, c, t, a, b]))
            } }
            expected.append(best)
        } } } } }
        expectClose("maxPool3d", y, expected, tolerance: 0)
        try checkGradients("maxPool3d", [distinctTensor([1, 2, 4, 5, 5], seed: 92)], epsilon: 1e-3) {
            try maxPool3d($0[0], kernel: (2, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1))
        }
        #expect(throws: TensorError.self) { try maxPool3d(x, kernel: (1, 3, 3), padding: (0, 2, 2)) }
        #expect(throws: TensorError.self) { try maxPool3d(x, kernel: (5, 3, 3)) }
    }

    @Test("the value-only max pooling (inference) equals the one that records the maxima, NaN and -∞ included",
          arguments: [([1, 3, 3], [1, 2, 2], [0, 1, 1]), ([2, 3, 3], [1, 2, 2], [1, 1, 1]), ([3, 2, 2], [2, 2, 2], [0, 0, 0]),
                      ([1, 3, 3], [1, 1, 1], [0, 1, 1]), ([3, 3, 3], [3, 3, 3], [1, 1, 1]), ([1, 2, 5], [1, 3, 2], [0, 1, 2])])
    func valueOnlyMaxPoolMatches(kernel: [Int], stride: [Int], padding: [Int]) {
        let planes = 3, input = [5, 9, 37] // rows long enough for the 8- and 4-wide steps at stride 1 and 2
        var output: [Int] = []
        for axis in 0..<3 {
            let span: Int = input[axis] + 2 * padding[axis] - kernel[axis]
            output.append(span / stride[axis] + 1)
        }
        var x: [Float] = randomTensor([planes] + input, seed: 98).scalars
        x[7] = .nan; x[200] = -.infinity; x[201] = -.infinity; x[400] = x[401]; x[1000] = .nan; x[3000] = .nan
        var recorded = [Float](repeating: 0, count: planes * output.elementCount)
        var valuesOnly = [Float](repeating: 0, count: planes * output.elementCount)
        var argmax = [Int32](repeating: 0, count: recorded.count)
        x.withUnsafeBufferPointer { px in
            Kernels.maxPool(px.baseAddress!, &recorded, &argmax, planes: planes, input: input, output: output,
                            kernel: kernel, stride: stride, padding: padding)
            Kernels.maxPoolValues(px.baseAddress!, &valuesOnly, planes: planes, input: input, output: output,
                                  kernel: kernel, stride: stride, padding: padding)
        }
        let same = zip(recorded, valuesOnly).filter { $0 == $1 || ($0.isNaN && $1.isNaN) }.count
        #expect(recorded.contains { $0.isNaN })
        #expect(same == recorded.count, "\(recorded.count - same) of \(recorded.count) outputs differ")
    }

    @Test func maxPool2dForwardAndBackward() throws {
        let x = distinctTensor([2, 2, 9, 8], seed: 93)
        let y = try maxPool2d(x, kernel: (3, 3), stride: (2, 2))
        #expect(y.shape == [2, 2, 4, 3])
        var expected: [Double] = []
        for n in 0..<2 { for c in 0..<2 { for i in 0..<4 { for j in 0..<3 {
            var best = -Double.infinity
            for a in (2 * i)..<(2 * i + 3) { for b in (2 * j)..<(2 * j + 3) { best = max(best, Double(x[n, c, a, b])) } }
            expected.append(best)
        } } } }
        expectClose("maxPool2d", y, expected, tolerance: 0)
        try checkGradients("maxPool2d", [distinctTensor([1, 2, 7, 6], seed: 94)], epsilon: 1e-3) {
            try maxPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        }
    }

    @Test func adaptiveAveragePooling() throws {
        let x = randomTensor([2, 3, 5, 7, 6], seed: 95)
        let y = try x.adaptiveAveragePooled(to: [5, 3, 4])
        #expect(y.shape == [2, 3, 5, 3, 4])
        var expected: [Double] = []
        for n in 0..<2 { for c in 0..<3 { for t in 0..<5 { for i in 0..<3 { for j in 0..<4 {
            let h0 = i * 7 / 3, h1 = ((i + 1) * 7 + 2) / 3, w0 = j * 6 / 4, w1 = ((j + 1) * 6 + 3) / 4
            var s = 0.0
            for a in h0..<h1 { for b in w0..<w1 { s += Double(x[n, c, t, a, b]) } }
            expected.append(s / Double((h1 - h0) * (w1 - w0)))
        } } } } }
        expectClose("adaptiveAvgPool", y, expected)
        let global = try x.adaptiveAveragePooled(to: [1, 1])
        expectClose("adaptiveAvgPool global = mean", global, try x.mean(axes: [3, 4], keepingDims: true).scalars.map(Double.init))
        try checkGradients("adaptiveAvgPool", [randomTensor([1, 2, 3, 5, 7], seed: 96)]) { try $0[0].adaptiveAveragePooled(to: [2, 3, 2]) }
    }

    @Test func linearInterpolationMatchesPyTorchRule() throws {
        let x = randomTensor([2, 3, 13], seed: 97)
        for size in [50, 13, 7, 1] {
            let y = try x.linearlyInterpolated(axis: 2, size: size)
            var expected: [Double] = []
            let scale = 13.0 / Double(size)
            for n in 0..<2 { for c in 0..<3 { for j in 0..<size {
                let source = max(scale * (Double(j) + 0.5) - 0.5, 0)
                let i0 = min(Int(source), 12), i1 = min(i0 + 1, 12), lambda = source - Double(i0)
                expected.append((1 - lambda) * Double(x[n, c, i0]) + lambda * Double(x[n, c, i1]))
            } } }
            expectClose("interpolate 13→\(size)", y, expected, shape: [2, 3, size])
        }
        try checkGradients("interpolate up", [randomTensor([1, 2, 6], seed: 98)]) { try $0[0].linearlyInterpolated(size: 17) }
        try checkGradients("interpolate down", [randomTensor([1, 2, 17], seed: 99)]) { try $0[0].linearlyInterpolated(size: 6) }
        try checkGradients("interpolate time axis", [randomTensor([1, 5, 3], seed: 100)]) { try $0[0].linearlyInterpolated(axis: 1, size: 8) }
    }
}
