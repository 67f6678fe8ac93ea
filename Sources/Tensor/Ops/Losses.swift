/// How a loss combines its per-element values.
public enum Reduction: Sendable {
    /// The mean over every element.
    case mean
    /// The sum over every element.
    case sum
    /// No reduction: one loss per element.
    case none
}

extension Tensor {
    func reduced(_ reduction: Reduction) -> Tensor {
        switch reduction {
        case .mean: return mean()
        case .sum: return sum()
        case .none: return self
        }
    }
}

/// Binary cross-entropy on logits, computed stably as
/// `max(x, 0) − x·y + log(1 + e^(−|x|))`, optionally weighted per element (e.g. a mask of frames
/// that have labels). `logits, targets: S, weight: broadcastable to S → ()` (or `S` for `.none`).
/// Targets may be soft (in [0, 1]); gradients flow to the logits only.
/// - Throws: `TensorError.shapeMismatch` when targets or weights do not fit the logits.
public func binaryCrossEntropyWithLogits(_ logits: Tensor, targets: Tensor, weight: Tensor? = nil,
                                         reduction: Reduction = .mean) throws -> Tensor {
    guard targets.shape == logits.shape else {
        throw TensorError.shapeMismatch(op: "binaryCrossEntropyWithLogits", lhs: logits.shape, rhs: targets.shape)
    }
    let y = Tensor.make(logits.shape) { out in
        logits.withUnsafeBufferPointer { px in
            targets.withUnsafeBufferPointer { pt in
                Kernels.zip(px.baseAddress!, pt.baseAddress!, out, count: logits.count) { x, t in
                    Swift.max(x, 0) - x * t + Tensor.softplus(-Swift.abs(x))
                }
            }
        }
    }
    let losses = y.recorded("binaryCrossEntropyWithLogits", [logits]) { g, _ in
        [Tensor.make(logits.shape) { out in
            logits.withUnsafeBufferPointer { px in
                targets.withUnsafeBufferPointer { pt in
                    g.withUnsafeBufferPointer { pg in
                        Kernels.zip3(px.baseAddress!, pt.baseAddress!, pg.baseAddress!, out, count: logits.count) { x, t, d in
                            (Tensor.logistic(x) - t) * d
                        }
                    }
                }
            }
        }]
    }
    guard let weight else { return losses.reduced(reduction) }
    let weighted = try losses * weight
    guard weighted.shape == logits.shape else {
        throw TensorError.shapeMismatch(op: "binaryCrossEntropyWithLogits.weight", lhs: logits.shape, rhs: weight.shape)
    }
    return weighted.reduced(reduction)
}

/// Cross-entropy of class logits against class indices (the InfoNCE objective when the classes
/// are candidate pairings): `−log softmax(x)[i, targets[i]]`.
/// `logits: (N, C), targets: N indices in 0..<C → ()` (or `(N)` for `.none`).
/// - Throws: `TensorError.invalidShape` for non-2-D logits, `invalidArgument` for a target count
///   or index out of range.
public func crossEntropy(_ logits: Tensor, targets: [Int], reduction: Reduction = .mean) throws -> Tensor {
    let (n, c) = try logits.dims2()
    guard targets.count == n, targets.allSatisfy({ $0 >= 0 && $0 < c }) else {
        throw TensorError.invalidArgument(op: "crossEntropy", message: "\(targets.count) targets in 0..<\(c) for logits \(logits.shape)")
    }
    let logProbabilities = try logits.logSoftmax(axis: 1) // (N, C)
    return (-logProbabilities.picking(columns: targets)).reduced(reduction) // (N) → ()
}

extension Tensor {
    /// Row `i`'s element at column `columns[i]`: `x: (N, C) → (N)`.
    func picking(columns: [Int]) -> Tensor {
        let c = shape[1]
        let y = Tensor(shape: [columns.count]) { i in storage.base[i * c + columns[i]] }
        let inShape = shape
        return y.recorded("pick", [self]) { g, _ in
            var grad = Tensor(zeros: inShape)
            grad.withUnsafeMutableBufferPointer { out in
                for (i, column) in columns.enumerated() { out[i * c + column] = g.storage.base[i] }
            }
            return [grad]
        }
    }
}
