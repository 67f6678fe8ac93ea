/// Parameters that share a learning rate and weight decay (e.g. a backbone trained at a lower
/// rate than the heads, or biases and norms without decay).
public struct ParameterGroup: Sendable {
    /// A label for logs and checkpoints, e.g. `backbone`.
    public var name: String
    /// The parameters the group's settings apply to.
    public var parameters: [Parameter]
    /// The group's base learning rate, multiplied by the schedule factor at each step.
    public var learningRate: Float
    /// Decoupled weight decay λ.
    public var weightDecay: Float
    /// A frozen group is skipped by `step`; its parameters keep their values and moments.
    public var isFrozen: Bool

    /// A group with PyTorch's default decay of 0.01.
    public init(name: String, parameters: [Parameter], learningRate: Float, weightDecay: Float = 0.01, isFrozen: Bool = false) {
        self.name = name
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.isFrozen = isFrozen
    }
}

/// AdamW (Loshchilov & Hutter), matching PyTorch's `torch.optim.AdamW` step for step.
///
/// Moments and step counts are kept per parameter, so a parameter that is unfrozen late starts
/// with its own bias correction. Parameters that are frozen, in a frozen group, or without a
/// gradient are skipped. Deterministic: no randomness and a fixed order of operations.
public struct AdamW: Sendable {
    /// The parameter groups; their settings may change between steps (gradual unfreezing).
    public var groups: [ParameterGroup]
    /// Decay rate of the first moment (0.9).
    public var beta1: Float
    /// Decay rate of the second moment (0.999).
    public var beta2: Float
    /// Added to the denominator (1e-8).
    public var epsilon: Float
    private var moments: [String: Moments] = [:]

    struct Moments: Sendable {
        var first: Tensor
        var second: Tensor
        var step: Int
    }

    /// - Throws: `TensorError.invalidArgument` when two parameters share a name (moments are
    ///   stored by name so that they can be checkpointed).
    public init(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) throws {
        let names = groups.flatMap { $0.parameters.map(\.name) }
        guard Set(names).count == names.count else {
            throw TensorError.invalidArgument(op: "AdamW", message: "parameter names must be distinct")
        }
        self.groups = groups
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Every parameter of every group.
    public var parameters: [Parameter] { groups.flatMap(\.parameters) }

    /// Updates every trainable parameter from its accumulated gradient.
    /// - Parameter learningRateScale: the schedule's factor for this step (see `WarmupCosineSchedule`).
    public mutating func step(learningRateScale: Float = 1) {
        for group in groups where !group.isFrozen {
            for parameter in group.parameters where !parameter.isFrozen {
                guard let grad = parameter.grad else { continue }
                // Taken out of the dictionary so that the moments are updated in place.
                var state = moments.removeValue(forKey: parameter.name)
                    ?? Moments(first: Tensor(zeros: grad.shape), second: Tensor(zeros: grad.shape), step: 0)
                state.step += 1
                parameter.update { value in
                    precondition(value.shape == grad.shape, "AdamW: \(parameter.name) value \(value.shape), grad \(grad.shape)")
                    value.withUnsafeMutableBufferPointer { p in
                        grad.withUnsafeBufferPointer { g in
                            state.first.withUnsafeMutableBufferPointer { m in
                                state.second.withUnsafeMutableBufferPointer { v in
                                    Kernels.adamW(p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, count: p.count,
                                                  learningRate: group.learningRate * learningRateScale,
                                                  weightDecay: group.weightDecay, beta1: beta1, beta2: beta2,
                                                  epsilon: epsilon, step: state.step)
                                }
                            }
                        }
                    }
                }
                moments[parameter.name] = state
            }
        }
    }

    /// Clears every parameter's accumulated gradient.
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }

    /// The optimiser state as named tensors for a checkpoint: `<name>.exp_avg`,
    /// `<name>.exp_avg_sq` and `<name>.step` (a one-element tensor).
    public var state: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, m) in moments {
            result["\(name).exp_avg"] = m.first
            result["\(name).exp_avg_sq"] = m.second
            result["\(name).step"] = Tensor(scalar: Float(m.step))
        }
        return result
    }

    /// Restores state written by `state` (entries for unknown parameters are ignored).
    /// - Throws: `TensorError.shapeMismatch` when a moment's shape differs from its parameter's.
    public mutating func load(state: [String: Tensor]) throws {
        for parameter in parameters {
            guard let first = state["\(parameter.name).exp_avg"], let second = state["\(parameter.name).exp_avg_sq"],
                  let step = state["\(parameter.name).step"] else { continue }
            guard first.shape == parameter.shape, second.shape == parameter.shape else {
                throw TensorError.shapeMismatch(op: "AdamW.load(\(parameter.name))", lhs: parameter.shape, rhs: first.shape)
            }
            moments[parameter.name] = Moments(first: first, second: second, step: Int(try step.item()))
        }
    }
}

/// Scales gradients in place so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`, including its 1e-6 guard).
/// - Returns: the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var total: Double = 0
    for parameter in parameters {
        guard let grad = parameter.grad else { continue }
        total += grad.withUnsafeBufferPointer { Kernels.sumOfSquares($0.baseAddress!, count: $0.count) }
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for parameter in parameters {
            if let grad = parameter.grad { parameter.grad = withNoGrad { grad * scale } }
        }
    }
    return norm
}
