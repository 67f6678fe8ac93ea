extension Tensor {
    /// Sums over `axes` (negative axes count from the end).
    /// `x: (…, Aᵢ, …) → (…, 1, …)` with `keepingDims`, else the reduced axes are dropped.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range or repeated.
    public func sum(axes: [Int], keepingDims: Bool = false) throws -> Tensor {
        let axes = try ShapeMath.axes(axes, rank: rank, op: "sum")
        let keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let outShape = keepingDims ? keptShape : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let y = Tensor.make(outShape) { out in
            withUnsafeBufferPointer { Kernels.sum($0.baseAddress!, shape: shape, axes: axes, into: out) }
        }
        let inShape = shape
        return y.recorded("sum", [self]) { g, _ in
            [try g.reshaped(to: keptShape).expanded(to: inShape)]
        }
    }

    /// Sums every element: `x → ()`.
    public func sum() -> Tensor {
        // Cannot throw: every axis is valid and distinct.
        (try? sum(axes: Array(0..<rank))) ?? self
    }

    /// Means over `axes`; shapes as in `sum(axes:keepingDims:)`.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range or repeated.
    public func mean(axes: [Int], keepingDims: Bool = false) throws -> Tensor {
        let normalised = try ShapeMath.axes(axes, rank: rank, op: "mean")
        let n = normalised.map { shape[$0] }.reduce(1, *)
        return try sum(axes: normalised, keepingDims: keepingDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// The mean of every element: `x → ()`.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sums a broadcast result back to an operand's `shape` (the reverse of broadcasting).
    /// - Throws: `TensorError.shapeMismatch` when `shape` does not broadcast to this tensor's shape.
    public func sum(toShape target: [Int]) throws -> Tensor {
        if target == shape { return self }
        guard try ShapeMath.broadcast(target, shape, op: "sumToShape") == shape else {
            throw TensorError.shapeMismatch(op: "sumToShape", lhs: shape, rhs: target)
        }
        let lead = rank - target.count
        let axes = (0..<rank).filter { $0 < lead || (target[$0 - lead] == 1 && shape[$0] != 1) }
        return try sum(axes: axes).reshaped(to: target)
    }

    /// Repeats size-1 axes (and prepends axes) to reach `target`, as broadcasting would.
    /// `x: (1, C, 1) → (B, C, T)`. - Throws: `TensorError.shapeMismatch` when it does not broadcast.
    public func expanded(to target: [Int]) throws -> Tensor {
        if target == shape { return self }
        guard try ShapeMath.broadcast(shape, target, op: "expand") == target else {
            throw TensorError.shapeMismatch(op: "expand", lhs: shape, rhs: target)
        }
        let y = Tensor.make(target) { out in
            withUnsafeBufferPointer { p in
                Kernels.broadcastZip(p.baseAddress!, shape, p.baseAddress!, [], out, target, LeftOperand())
            }
        }
        let inShape = shape
        return y.recorded("expand", [self]) { g, _ in [try g.sum(toShape: inShape)] }
    }
}

extension Tensor {
    /// The largest element along `axis` (first on ties), with that axis removed or kept as 1.
    /// `x: (…, N, …) → (…, …)`; the gradient flows to each maximum's position.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range or an empty axis.
    public func maximum(axis: Int, keepingDims: Bool = false) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank, op: "max")
        let (indices, outer, n, inner) = try argmaxLayout(axis: axis, op: "max")
        var keptShape = shape
        keptShape[axis] = 1
        let y = Tensor(shape: keptShape) { i in storage.base[(i / inner * n + indices[i]) * inner + i % inner] }
        let inShape = shape
        let result = y.recorded("max", [self]) { g, _ in
            var grad = Tensor(zeros: inShape)
            grad.withUnsafeMutableBufferPointer { out in
                g.withUnsafeBufferPointer { pg in
                    for i in 0..<(outer * inner) { out[(i / inner * n + indices[i]) * inner + i % inner] += pg[i] }
                }
            }
            return [grad]
        }
        return keepingDims ? result : try result.squeezed(axis: axis)
    }

    /// The index of the largest element along `axis` (first on ties) for every position of the
    /// other axes, in row-major order of those axes. `x: (B, T) → B indices` for axis 1.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range or an empty axis.
    public func argmax(axis: Int) throws -> [Int] {
        let axis = try ShapeMath.axis(axis, rank: rank, op: "argmax")
        return try argmaxLayout(axis: axis, op: "argmax").indices
    }

    private func argmaxLayout(axis: Int, op: String) throws -> (indices: [Int], outer: Int, n: Int, inner: Int) {
        let n = shape[axis]
        guard n > 0 else { throw TensorError.invalidArgument(op: op, message: "axis \(axis) of \(shape) is empty") }
        let outer = shape.prefix(axis).reduce(1, *), inner = shape.dropFirst(axis + 1).reduce(1, *)
        let p = storage.base
        let indices = (0..<(outer * inner)).map { i -> Int in
            let base = (i / inner) * n * inner + i % inner
            var best = 0
            for j in 1..<n where p[base + j * inner] > p[base + best * inner] { best = j }
            return best
        }
        return (indices, outer, n, inner)
    }

    /// Scales each vector along `axis` to unit L2 norm: `x / √(Σ x² + ε)` (cosine-similarity
    /// embeddings). Same shape as `x`.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range.
    public func l2Normalized(axis: Int = -1, epsilon: Float = 1e-12) throws -> Tensor {
        try self / (try squared().sum(axes: [axis], keepingDims: true) + epsilon).sqrt()
    }
}

/// The mean of `(a − b)²` over every element. `a, b: S → ()`.
/// - Throws: `TensorError.shapeMismatch` when the shapes differ.
public func meanSquaredError(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.shape == b.shape else { throw TensorError.shapeMismatch(op: "meanSquaredError", lhs: a.shape, rhs: b.shape) }
    return try (a - b).squared().mean()
}
