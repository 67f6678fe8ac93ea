/// Gradients of one backward pass, looked up by the tensors that required them.
public struct Gradients: Sendable {
    private var byNode: [ObjectIdentifier: (node: GradNode, gradient: Tensor)] = [:]

    init() {}

    mutating func set(_ gradient: Tensor, for node: GradNode) {
        byNode[ObjectIdentifier(node)] = (node, gradient)
    }

    /// The gradient with respect to `tensor`, a leaf made with `requiringGrad()` or a parameter's
    /// `value`; `nil` when the loss does not depend on it.
    public subscript(_ tensor: Tensor) -> Tensor? {
        guard let node = tensor.node else { return nil }
        return byNode[ObjectIdentifier(node)]?.gradient
    }
}

extension Tensor {
    /// Back-propagates from this tensor through the recorded graph.
    ///
    /// Gradients of parameters are added to `Parameter.grad` (so repeated passes accumulate);
    /// gradients of every leaf are also returned. The pass itself records nothing.
    /// - Parameter seed: the gradient of the final objective with respect to this tensor; defaults
    ///   to 1, which requires a one-element tensor (a loss).
    /// - Returns: the leaf gradients.
    /// - Throws: `TensorError.notDifferentiable` when no graph is attached, or a shape error for a
    ///   seed of the wrong shape.
    @discardableResult
    public func backward(seed: Tensor? = nil) throws -> Gradients {
        guard let root = node else {
            throw TensorError.notDifferentiable("tensor \(shape) has no recorded graph")
        }
        let rootGradient: Tensor
        if let seed {
            guard seed.shape == shape else { throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: seed.shape) }
            rootGradient = seed.detached()
        } else {
            guard count == 1 else {
                throw TensorError.invalidShape(op: "backward", shape: shape, expected: "one element, or a seed")
            }
            rootGradient = Tensor(repeating: 1, shape: shape)
        }
        return try GradMode.$isEnabled.withValue(false) {
            try Self.propagate(from: root, gradient: rootGradient)
        }
    }

    private static func propagate(from root: GradNode, gradient: Tensor) throws -> Gradients {
        let order = topologicalOrder(from: root)
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): gradient]
        var result = Gradients()
        for node in order.reversed() {
            guard let gradOutput = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let backward = node.backward else {
                node.accumulator?.add(gradOutput)
                result.set(gradOutput, for: node)
                continue
            }
            let needs = node.inputs.map { $0 != nil }
            let gradInputs = try backward(gradOutput, needs)
            for (input, gradInput) in zip(node.inputs, gradInputs) {
                guard let input, let gradInput else { continue }
                let key = ObjectIdentifier(input)
                if var existing = pending[key] {
                    pending[key] = nil
                    existing.addInPlace(gradInput)
                    pending[key] = existing
                } else {
                    pending[key] = gradInput
                }
            }
        }
        return result
    }

    /// Nodes in an order where every node comes after all of its inputs (iterative DFS, so deep
    /// graphs cannot overflow the stack).
    private static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack: [(node: GradNode, next: Int)] = [(root, 0)]
        while let top = stack.last {
            if top.next < top.node.inputs.count {
                stack[stack.count - 1].next += 1
                if let input = top.node.inputs[top.next], visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(top.node)
                stack.removeLast()
            }
        }
        return order
    }
}
