// Max pooling, adaptive average pooling and linear interpolation along time.

/// 3-D max pooling (padding counts as −∞; floor mode).
/// `x: (B, C, D, H, W) → (B, C, D', H', W')` with `D' = ⌊(D + 2·pd − kd) / sd⌋ + 1`.
/// - Parameter stride: defaults to the kernel size.
/// - Throws: `TensorError.invalidShape` for another rank; `invalidArgument` for a padding over half
///   the kernel, a non-positive stride or an empty output.
public func maxPool3d(_ x: Tensor, kernel: (Int, Int, Int), stride: (Int, Int, Int)? = nil,
                      padding: (Int, Int, Int) = (0, 0, 0)) throws -> Tensor {
    guard x.rank == 5 else { throw TensorError.invalidShape(op: "maxPool3d", shape: x.shape, expected: "(B, C, D, H, W)") }
    let s = stride ?? kernel
    return try maxPool("maxPool3d", x, kernel: [kernel.0, kernel.1, kernel.2], stride: [s.0, s.1, s.2],
                       padding: [padding.0, padding.1, padding.2])
}

/// 2-D max pooling. `x: (B, C, H, W) → (B, C, H', W')`.
/// - Throws: as `maxPool3d`.
public func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
    guard x.rank == 4 else { throw TensorError.invalidShape(op: "maxPool2d", shape: x.shape, expected: "(B, C, H, W)") }
    let (b, c, h, w) = try x.dims4()
    let s = stride ?? kernel
    let y = try maxPool("maxPool2d", x.reshaped(to: [b, c, 1, h, w]), kernel: [1, kernel.0, kernel.1],
                        stride: [1, s.0, s.1], padding: [0, padding.0, padding.1])
    return try y.squeezed(axis: 2) // (B, C, H', W')
}

private func maxPool(_ op: String, _ x: Tensor, kernel: [Int], stride: [Int], padding: [Int]) throws -> Tensor {
    let (b, c, d, h, w) = try x.dims5()
    let input = [d, h, w]
    let paddingFits = (0..<3).allSatisfy { padding[$0] >= 0 && 2 * padding[$0] <= kernel[$0] }
    guard kernel.allSatisfy({ $0 > 0 }), stride.allSatisfy({ $0 > 0 }), paddingFits else {
        throw TensorError.invalidArgument(op: op, message: "kernel \(kernel), stride \(stride), padding \(padding)")
    }
    let output: [Int] = (0..<3).map { axis in
        let span: Int = input[axis] + 2 * padding[axis] - kernel[axis]
        return span < 0 ? 0 : span / stride[axis] + 1
    }
    guard output.allSatisfy({ $0 > 0 }) else {
        throw TensorError.invalidArgument(op: op, message: "input \(x.shape) is smaller than kernel \(kernel)")
    }
    let planes = b * c
    guard GradMode.records([x]) else {
        return Tensor.make([b, c] + output) { out in
            x.withUnsafeBufferPointer { px in
                Kernels.maxPoolValues(px.baseAddress!, out, planes: planes, input: input, output: output,
                                      kernel: kernel, stride: stride, padding: padding)
            }
        }
    }
    var argmax = [Int32](repeating: 0, count: planes * output.elementCount)
    let y = Tensor.make([b, c] + output) { out in
        x.withUnsafeBufferPointer { px in
            argmax.withUnsafeMutableBufferPointer { pa in
                Kernels.maxPool(px.baseAddress!, out, pa.baseAddress!, planes: planes, input: input, output: output,
                                kernel: kernel, stride: stride, padding: padding)
            }
        }
    }
    let indices = argmax
    return y.recorded(op, [x]) { g, _ in
        [Tensor.make(x.shape) { out in
            g.withUnsafeBufferPointer { pg in
                indices.withUnsafeBufferPointer { pa in
                    Kernels.maxPoolBackward(pg.baseAddress!, pa.baseAddress!, out, planes: planes,
                                            inPlane: input.elementCount, outPlane: output.elementCount)
                }
            }
        }]
    }
}

extension Tensor {
    /// Applies a linear resampling along `axis`: `(…, N, …) → (…, N', …)`.
    func resampled(axis: Int, _ r: Resampling, op: String) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank, op: op)
        guard shape[axis] == r.inputSize else {
            throw TensorError.invalidArgument(op: op, message: "axis \(axis) of \(shape) is not \(r.inputSize)")
        }
        let outer = shape.prefix(axis).reduce(1, *), inner = shape.dropFirst(axis + 1).reduce(1, *)
        var outShape = shape
        outShape[axis] = r.outputSize
        let y = Tensor.make(outShape) { out in
            withUnsafeBufferPointer { Kernels.resample($0.baseAddress!, out, r, outer: outer, inner: inner, adjoint: false) }
        }
        let inShape = shape
        return y.recorded(op, [self]) { g, _ in
            [Tensor.make(inShape) { out in
                g.withUnsafeBufferPointer { Kernels.resample($0.baseAddress!, out, r, outer: outer, inner: inner, adjoint: true) }
            }]
        }
    }

    /// Adaptive average pooling of the trailing axes to `outputSize` (one extent per pooled axis),
    /// with PyTorch's windows `⌊i·N/N'⌋ ..< ⌈(i+1)·N/N'⌉`.
    /// `x: (B, C, T, H, W)` with `[T, 1, 1]` `→ (B, C, T, 1, 1)`.
    /// - Throws: `TensorError.invalidArgument` for more sizes than axes or a non-positive size.
    public func adaptiveAveragePooled(to outputSize: [Int]) throws -> Tensor {
        guard outputSize.count <= rank, outputSize.allSatisfy({ $0 > 0 }) else {
            throw TensorError.invalidArgument(op: "adaptiveAvgPool", message: "output \(outputSize) for shape \(shape)")
        }
        var y = self
        for (i, size) in outputSize.enumerated() {
            let axis = rank - outputSize.count + i
            let n = shape[axis]
            if n == size { continue }
            let taps = (0..<size).map { j -> [(index: Int, weight: Float)] in
                let start = j * n / size, end = ((j + 1) * n + size - 1) / size
                return (start..<end).map { ($0, 1 / Float(end - start)) }
            }
            y = try y.resampled(axis: axis, Resampling(inputSize: n, taps: taps), op: "adaptiveAvgPool")
        }
        return y
    }

    /// Linear interpolation along `axis` to `size` samples, as PyTorch's
    /// `interpolate(mode: "linear", align_corners: false)`. `x: (B, C, T) → (B, C, T')` for axis 2.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range or a non-positive size.
    public func linearlyInterpolated(axis: Int = -1, size: Int) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank, op: "interpolate")
        let n = shape[axis]
        guard size > 0, n > 0 else {
            throw TensorError.invalidArgument(op: "interpolate", message: "size \(size) from \(n) samples")
        }
        if n == size { return self }
        let scale = Float(n) / Float(size)
        let taps = (0..<size).map { j -> [(index: Int, weight: Float)] in
            let source = Swift.max(scale * (Float(j) + 0.5) - 0.5, 0)
            let i0 = Swift.min(Int(source), n - 1)
            let i1 = Swift.min(i0 + 1, n - 1)
            let lambda = source - Float(i0)
            let single: [(index: Int, weight: Float)] = [(i0, 1)]
            return i0 == i1 ? single : [(i0, 1 - lambda), (i1, lambda)]
        }
        return try resampled(axis: axis, Resampling(inputSize: n, taps: taps), op: "interpolate")
    }
}
