import Foundation

/// Computes an op's input gradients from its output gradient. `needs[i]` says whether input `i`
/// requires a gradient; entries that are not needed may be `nil`.
typealias BackwardFunction = @Sendable (_ gradOutput: Tensor, _ needs: [Bool]) throws -> [Tensor?]

/// One vertex of the autograd graph: the op that produced a tensor, the nodes of its inputs and
/// the function that maps the output gradient to input gradients. Leaves have no backward; a
/// parameter's leaf also has the accumulator its gradients are added to.
///
/// The graph is implicit in the tensors (as PyTorch's `grad_fn`): it lives exactly as long as some
/// tensor of it does, so dropping the loss frees every saved activation.
final class GradNode: Sendable {
    let op: String
    let inputs: [GradNode?]
    let backward: BackwardFunction?
    let accumulator: GradAccumulator?

    init(op: String, inputs: [GradNode?], backward: @escaping BackwardFunction) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
        self.accumulator = nil
    }

    init(leaf accumulator: GradAccumulator?) {
        op = "leaf"
        inputs = []
        backward = nil
        self.accumulator = accumulator
    }
}

/// The gradient store of one parameter; gradients from successive backward passes add up until
/// `reset()` (gradient accumulation).
final class GradAccumulator: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Tensor?

    var grad: Tensor? {
        lock.lock(); defer { lock.unlock() }
        return stored
    }

    func add(_ gradient: Tensor) {
        lock.lock(); defer { lock.unlock() }
        if var current = stored {
            stored = nil  // so that `current` holds the only reference and adds in place
            current.addInPlace(gradient)
            stored = current
        } else {
            stored = gradient.detached()
        }
    }

    func set(_ gradient: Tensor?) {
        lock.lock(); defer { lock.unlock() }
        stored = gradient?.detached()
    }
}

extension Tensor {
    /// This tensor with a graph node for `op` attached when `inputs` are being recorded.
    func recorded(_ op: String, _ inputs: [Tensor], backward: @escaping BackwardFunction) -> Tensor {
        guard GradMode.records(inputs) else { return self }
        var result = self
        result.node = GradNode(op: op, inputs: inputs.map(\.node), backward: backward)
        return result
    }

    /// Adds `other` (same element count) into this tensor's storage.
    mutating func addInPlace(_ other: Tensor) {
        precondition(count == other.count, "addInPlace: \(shape) and \(other.shape)")
        withUnsafeMutableBufferPointer { dst in
            other.withUnsafeBufferPointer { src in Kernels.add(src.baseAddress!, into: dst.baseAddress!, count: dst.count) }
        }
    }
}
