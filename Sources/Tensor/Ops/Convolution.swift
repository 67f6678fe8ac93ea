// Convolutions (groups = 1, no dilation) as vol2col tiles and sgemm; 1-D and 2-D convolutions run
// through the 3-D kernels with unit leading axes.

/// 3-D convolution (cross-correlation, as PyTorch).
/// `x: (B, C, D, H, W), weight: (C', C, kd, kh, kw), bias: (C')? → (B, C', D', H', W')`
/// with `D' = ⌊(D + 2·pd − kd) / sd⌋ + 1` and likewise for H', W'.
/// - Throws: `TensorError.shapeMismatch` when channels or the bias disagree; `invalidArgument`
///   for non-positive strides, negative padding or a kernel larger than the padded input.
public func conv3d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int, Int) = (1, 1, 1), padding: (Int, Int, Int) = (0, 0, 0)) throws -> Tensor {
    guard x.rank == 5 else { throw TensorError.invalidShape(op: "conv3d", shape: x.shape, expected: "(B, C, D, H, W)") }
    guard weight.rank == 5 else { throw TensorError.invalidShape(op: "conv3d", shape: weight.shape, expected: "(C', C, kd, kh, kw)") }
    return try convolution("conv3d", x, weight, bias, stride: [stride.0, stride.1, stride.2],
                           padding: [padding.0, padding.1, padding.2])
}

/// 2-D convolution. `x: (B, C, H, W), weight: (C', C, kh, kw), bias: (C')? → (B, C', H', W')`.
/// - Throws: as `conv3d`.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
    guard x.rank == 4 else { throw TensorError.invalidShape(op: "conv2d", shape: x.shape, expected: "(B, C, H, W)") }
    guard weight.rank == 4 else { throw TensorError.invalidShape(op: "conv2d", shape: weight.shape, expected: "(C', C, kh, kw)") }
    let (b, c, h, w) = try x.dims4()
    let x5 = try x.reshaped(to: [b, c, 1, h, w]) // (B, C, 1, H, W)
    let w5 = try weight.reshaped(to: [weight.shape[0], weight.shape[1], 1, weight.shape[2], weight.shape[3]])
    let y = try convolution("conv2d", x5, w5, bias, stride: [1, stride.0, stride.1], padding: [0, padding.0, padding.1])
    return try y.squeezed(axis: 2) // (B, C', H', W')
}

/// 1-D convolution. `x: (B, C, T), weight: (C', C, k), bias: (C')? → (B, C', T')`.
/// - Throws: as `conv3d`.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) throws -> Tensor {
    guard x.rank == 3 else { throw TensorError.invalidShape(op: "conv1d", shape: x.shape, expected: "(B, C, T)") }
    guard weight.rank == 3 else { throw TensorError.invalidShape(op: "conv1d", shape: weight.shape, expected: "(C', C, k)") }
    let (b, c, t) = try x.dims3()
    let x5 = try x.reshaped(to: [b, c, 1, 1, t]) // (B, C, 1, 1, T)
    let w5 = try weight.reshaped(to: [weight.shape[0], weight.shape[1], 1, 1, weight.shape[2]])
    let y = try convolution("conv1d", x5, w5, bias, stride: [1, 1, stride], padding: [0, 0, padding])
    return try y.reshaped(to: [b, weight.shape[0], -1]) // (B, C', T')
}

/// Validates and runs a convolution on 5-D operands.
private func convolution(_ op: String, _ x: Tensor, _ weight: Tensor, _ bias: Tensor?,
                         stride: [Int], padding: [Int]) throws -> Tensor {
    let (batch, channels, d, h, w) = try x.dims5()
    let (outChannels, weightChannels, kd, kh, kw) = try weight.dims5()
    guard channels == weightChannels else { throw TensorError.shapeMismatch(op: op, lhs: x.shape, rhs: weight.shape) }
    if let bias, bias.shape != [outChannels] {
        throw TensorError.shapeMismatch(op: "\(op).bias", lhs: weight.shape, rhs: bias.shape)
    }
    guard stride.allSatisfy({ $0 > 0 }), padding.allSatisfy({ $0 >= 0 }) else {
        throw TensorError.invalidArgument(op: op, message: "stride \(stride) must be positive and padding \(padding) non-negative")
    }
    let geometry = ConvGeometry(inChannels: channels, outChannels: outChannels, input: [d, h, w],
                                kernel: [kd, kh, kw], stride: stride, padding: padding)
    guard zip(geometry.input, geometry.kernel).enumerated().allSatisfy({ $1.0 + 2 * padding[$0] >= $1.1 }) else {
        throw TensorError.shapeMismatch(op: op, lhs: x.shape, rhs: weight.shape)
    }
    let y = Tensor.make([batch, outChannels] + geometry.output) { out in
        x.withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                if let bias {
                    bias.withUnsafeBufferPointer { pb in
                        Kernels.convForward(px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out, batch: batch, geometry)
                    }
                } else {
                    Kernels.convForward(px.baseAddress!, pw.baseAddress!, nil, out, batch: batch, geometry)
                }
            }
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(op, inputs) { g, needs in
        // Uninitialised: the kernel overwrites every destination.
        var gx = needs[0] ? Tensor.make(x.shape) { _ in } : nil
        var gw = needs[1] ? Tensor.make(weight.shape) { _ in } : nil
        var gb = needs.count > 2 && needs[2] ? Tensor.make([outChannels]) { _ in } : nil
        x.withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                g.withUnsafeBufferPointer { pg in
                    gx.mutablePointer { gxp in
                        gw.mutablePointer { gwp in
                            gb.mutablePointer { gbp in
                                Kernels.convBackward(px.baseAddress!, pw.baseAddress!, pg.baseAddress!,
                                                     gx: gxp, gw: gwp, gb: gbp, batch: batch, geometry)
                            }
                        }
                    }
                }
            }
        }
        return [gx, gw, gb]
    }
}

extension Optional where Wrapped == Tensor {
    /// Calls `body` with the tensor's writable base address, or `nil` when there is no tensor.
    mutating func mutablePointer<R>(_ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
        guard var tensor = self else { return body(nil) }
        self = nil  // keep the storage uniquely referenced so writing does not copy it
        defer { self = tensor }
        return tensor.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
}
