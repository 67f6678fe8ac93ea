import Foundation

/// The output of `batchNorm` and the running statistics to keep for the next call.
public struct BatchNormResult: Sendable {
    /// The normalised tensor, shaped as the input.
    public var output: Tensor
    /// Updated running mean `(C)` (unchanged in evaluation).
    public var runningMean: Tensor
    /// Updated running variance `(C)`, from the unbiased batch variance (unchanged in evaluation).
    public var runningVariance: Tensor
}

/// Batch normalisation over every axis but the channel axis 1.
/// `x: (N, C, …), weight, bias, runningMean, runningVariance: (C) → (N, C, …)`.
///
/// In training the batch's own mean and biased variance normalise `x`, and the running statistics
/// move by `momentum` towards the batch mean and unbiased variance (PyTorch's rule). In evaluation
/// the running statistics normalise `x`. Gradients flow to `x`, `weight` and `bias`.
/// - Throws: `TensorError.shapeMismatch` when a `(C)` operand has another shape, `invalidShape`
///   for rank < 2.
public func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVariance: Tensor,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) throws -> BatchNormResult {
    guard x.rank >= 2 else { throw TensorError.invalidShape(op: "batchNorm", shape: x.shape, expected: "(N, C, …)") }
    let n = x.shape[0], c = x.shape[1], l = x.shape.dropFirst(2).reduce(1, *)
    for operand in [weight, bias, runningMean, runningVariance].compactMap({ $0 }) where operand.shape != [c] {
        throw TensorError.shapeMismatch(op: "batchNorm", lhs: x.shape, rhs: operand.shape)
    }
    var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
    var newMean = runningMean, newVariance = runningVariance
    if training {
        x.withUnsafeBufferPointer { px in
            Kernels.channelStatistics(px.baseAddress!, n: n, c: c, l: l, mean: &mean, variance: &variance)
        }
        let unbias = n * l > 1 ? Float(n * l) / Float(n * l - 1) : 1
        let rm = runningMean.scalars, rv = runningVariance.scalars
        newMean = try Tensor(shape: [c], scalars: (0..<c).map { (1 - momentum) * rm[$0] + momentum * mean[$0] })
        newVariance = try Tensor(shape: [c], scalars: (0..<c).map { (1 - momentum) * rv[$0] + momentum * variance[$0] * unbias })
    } else {
        mean = runningMean.scalars
        variance = runningVariance.scalars
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let gamma = weight?.scalars ?? [Float](repeating: 1, count: c)
    let beta = bias?.scalars ?? [Float](repeating: 0, count: c)
    let scale = (0..<c).map { gamma[$0] * invStd[$0] }
    let shift = (0..<c).map { beta[$0] - mean[$0] * scale[$0] }
    let y = Tensor.make(x.shape) { out in
        x.withUnsafeBufferPointer { Kernels.channelAffine($0.baseAddress!, out, n: n, c: c, l: l, scale: scale, shift: shift) }
    }
    let batchMean = mean
    let inputs = [x] + [weight, bias].compactMap { $0 }
    let output = y.recorded("batchNorm", inputs) { g, needs in
        var sumG = [Float](repeating: 0, count: c), sumGXhat = [Float](repeating: 0, count: c)
        x.withUnsafeBufferPointer { px in
            g.withUnsafeBufferPointer { pg in
                Kernels.channelGradientSums(px.baseAddress!, pg.baseAddress!, n: n, c: c, l: l, mean: batchMean, invStd: invStd,
                                            sumG: &sumG, sumGXhat: &sumGXhat)
            }
        }
        var grads: [Tensor?] = [nil]
        if needs[0] {
            grads[0] = Tensor.make(x.shape) { out in
                x.withUnsafeBufferPointer { px in
                    g.withUnsafeBufferPointer { pg in
                        if training {
                            Kernels.batchNormInputGradient(px.baseAddress!, pg.baseAddress!, out, n: n, c: c, l: l, mean: batchMean,
                                                           invStd: invStd, gamma: gamma, sumG: sumG, sumGXhat: sumGXhat)
                        } else {
                            Kernels.channelAffine(pg.baseAddress!, out, n: n, c: c, l: l, scale: scale,
                                                  shift: [Float](repeating: 0, count: c))
                        }
                    }
                }
            }
        }
        if weight != nil { grads.append(try Tensor(shape: [c], scalars: sumGXhat)) }
        if bias != nil { grads.append(try Tensor(shape: [c], scalars: sumG)) }
        return grads
    }
    return BatchNormResult(output: output, runningMean: newMean, runningVariance: newVariance)
}

/// Layer normalisation over the last axis. `x: (…, D), weight, bias: (D)? → (…, D)`.
/// - Throws: `TensorError.shapeMismatch` when `weight` or `bias` is not `(D)`.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) throws -> Tensor {
    guard let d = x.shape.last else { throw TensorError.invalidShape(op: "layerNorm", shape: x.shape, expected: "(…, D)") }
    for operand in [weight, bias].compactMap({ $0 }) where operand.shape != [d] {
        throw TensorError.shapeMismatch(op: "layerNorm", lhs: x.shape, rhs: operand.shape)
    }
    let rows = x.count / max(d, 1)
    var mean = [Float](repeating: 0, count: rows), invStd = [Float](repeating: 0, count: rows)
    let gamma = weight?.scalars, beta = bias?.scalars
    let y = Tensor.make(x.shape) { out in
        x.withUnsafeBufferPointer { px in
            Kernels.layerNorm(px.baseAddress!, out, rows: rows, d: d, epsilon: epsilon, gamma: gamma, beta: beta,
                              mean: &mean, invStd: &invStd)
        }
    }
    let rowMean = mean, rowInvStd = invStd
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return y.recorded("layerNorm", inputs) { g, needs in
        var grads: [Tensor?] = [nil]
        x.withUnsafeBufferPointer { px in
            g.withUnsafeBufferPointer { pg in
                if needs[0] {
                    grads[0] = Tensor.make(x.shape) { out in
                        Kernels.layerNormInputGradient(px.baseAddress!, pg.baseAddress!, out, rows: rows, d: d, gamma: gamma,
                                                       mean: rowMean, invStd: rowInvStd)
                    }
                }
                if weight != nil || bias != nil {
                    var dGamma = Tensor(zeros: [d]), dBeta = Tensor(zeros: [d])
                    dGamma.withUnsafeMutableBufferPointer { pgm in
                        dBeta.withUnsafeMutableBufferPointer { pbt in
                            Kernels.layerNormParameterGradients(px.baseAddress!, pg.baseAddress!, rows: rows, d: d,
                                                                mean: rowMean, invStd: rowInvStd,
                                                                dGamma: pgm.baseAddress!, dBeta: pbt.baseAddress!)
                        }
                    }
                    if weight != nil { grads.append(dGamma) }
                    if bias != nil { grads.append(dBeta) }
                }
            }
        }
        return grads
    }
}
