// Reshape, permute, slice and concatenate. `reshaped` shares storage; the others copy.

extension Tensor {
    /// The same elements with a new shape; one extent may be −1 and is inferred.
    /// `x: (B, T, D) → (B, T, heads, D / heads)`.
    /// - Throws: `TensorError.invalidShape` when the element counts differ.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0, newShape.filter({ $0 == -1 }).count == 1 else {
                throw TensorError.invalidShape(op: "reshape", shape: shape, expected: "\(count) elements for \(newShape)")
            }
            target[inferred] = count / known
        }
        guard target.allSatisfy({ $0 >= 0 }), target.elementCount == count else {
            throw TensorError.invalidShape(op: "reshape", shape: shape, expected: "\(count) elements for \(newShape)")
        }
        if target == shape { return self }
        let inShape = shape
        return Tensor(shape: target, storage: storage).recorded("reshape", [self]) { g, _ in
            [try g.reshaped(to: inShape)]
        }
    }

    /// Flattens axes `start...` into one: `x: (B, C, H, W) → (B, C·H·W)` for `start` 1.
    public func flattened(from start: Int = 0) throws -> Tensor {
        let start = try ShapeMath.axis(start, rank: Swift.max(rank, 1), op: "flatten")
        return try reshaped(to: Array(shape.prefix(start)) + [shape.dropFirst(start).reduce(1, *)])
    }

    /// Inserts a size-1 axis at `axis`: `x: (B, D) → (B, 1, D)` for axis 1.
    public func unsqueezed(axis: Int) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank + 1, op: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: axis)
        return try reshaped(to: newShape)
    }

    /// Removes the size-1 axis `axis`: `x: (B, 1, D) → (B, D)` for axis 1.
    /// - Throws: `TensorError.invalidArgument` when that axis is not of size 1.
    public func squeezed(axis: Int) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank, op: "squeeze")
        guard shape[axis] == 1 else {
            throw TensorError.invalidArgument(op: "squeeze", message: "axis \(axis) of \(shape) is not 1")
        }
        var newShape = shape
        newShape.remove(at: axis)
        return try reshaped(to: newShape)
    }

    /// Reorders the axes: output axis `i` is input axis `order[i]`.
    /// `x: (B, T, heads, dh)` with `[0, 2, 1, 3]` `→ (B, heads, T, dh)`.
    /// - Throws: `TensorError.invalidArgument` when `order` is not a permutation of the axes.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, order.sorted() == Array(0..<rank) else {
            throw TensorError.invalidArgument(op: "permute", message: "\(order) is not a permutation for shape \(shape)")
        }
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        let y = Tensor.make(outShape) { out in
            withUnsafeBufferPointer { Kernels.permute($0.baseAddress!, shape: shape, order: order, into: out) }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        let inverseOrder = inverse
        return y.recorded("permute", [self]) { g, _ in [try g.permuted(inverseOrder)] }
    }

    /// Swaps two axes. `x: (B, T, D)` with `(1, 2)` `→ (B, D, T)`.
    public func transposed(_ a: Int, _ b: Int) throws -> Tensor {
        let a = try ShapeMath.axis(a, rank: rank, op: "transpose"), b = try ShapeMath.axis(b, rank: rank, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return try permuted(order)
    }

    /// The elements whose index along `axis` lies in `range`.
    /// `x: (B, C, T, H, W)` with axis 2 and `1..<T` `→ (B, C, T−1, H, W)`.
    /// - Throws: `TensorError.invalidArgument` when the range is outside the axis.
    public func sliced(axis: Int, _ range: Range<Int>) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank, op: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            throw TensorError.invalidArgument(op: "slice", message: "range \(range) outside axis \(axis) of \(shape)")
        }
        if range.count == shape[axis] { return self }
        let outer = shape.prefix(axis).reduce(1, *), inner = shape.dropFirst(axis + 1).reduce(1, *)
        var outShape = shape
        outShape[axis] = range.count
        let y = Tensor.make(outShape) { out in
            withUnsafeBufferPointer { p in
                Kernels.copyBlocks(p.baseAddress! + range.lowerBound * inner, srcStride: shape[axis] * inner,
                                   out, dstStride: range.count * inner, blocks: outer, length: range.count * inner)
            }
        }
        let inShape = shape
        return y.recorded("slice", [self]) { g, _ in
            [Tensor.make(inShape) { out in
                out.initialize(repeating: 0, count: inShape.elementCount)
                g.withUnsafeBufferPointer { pg in
                    Kernels.copyBlocks(pg.baseAddress!, srcStride: range.count * inner,
                                       out + range.lowerBound * inner, dstStride: inShape[axis] * inner,
                                       blocks: outer, length: range.count * inner)
                }
            }]
        }
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed: `x: (B, T, D)` at axis 1 `→ (B, D)`.
    public func selecting(_ index: Int, axis: Int) throws -> Tensor {
        let axis = try ShapeMath.axis(axis, rank: rank, op: "select")
        return try sliced(axis: axis, index..<(index + 1)).squeezed(axis: axis)
    }
}

/// Joins tensors along `axis`; all other extents must agree.
/// `[(B, 1, D), (B, T, D)]` along axis 1 `→ (B, 1+T, D)`.
/// - Throws: `TensorError.shapeMismatch` for disagreeing shapes, `invalidArgument` for no tensors.
public func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else {
        throw TensorError.invalidArgument(op: "concat", message: "no tensors")
    }
    let axis = try ShapeMath.axis(axis, rank: first.rank, op: "concat")
    for t in tensors.dropFirst() {
        var a = first.shape, b = t.shape
        guard a.count == b.count else { throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: t.shape) }
        a[axis] = 0; b[axis] = 0
        guard a == b else { throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: t.shape) }
    }
    if tensors.count == 1 { return first }
    let outer = first.shape.prefix(axis).reduce(1, *), inner = first.shape.dropFirst(axis + 1).reduce(1, *)
    let extents = tensors.map { $0.shape[axis] }
    let total = extents.reduce(0, +)
    var outShape = first.shape
    outShape[axis] = total
    let y = Tensor.make(outShape) { out in
        var offset = 0
        for (t, extent) in zip(tensors, extents) {
            t.withUnsafeBufferPointer { p in
                Kernels.copyBlocks(p.baseAddress!, srcStride: extent * inner, out + offset * inner,
                                   dstStride: total * inner, blocks: outer, length: extent * inner)
            }
            offset += extent
        }
    }
    return y.recorded("concat", tensors) { g, needs in
        var grads: [Tensor?] = []
        var offset = 0
        for (extent, need) in zip(extents, needs) {
            grads.append(need ? try g.sliced(axis: axis, offset..<(offset + extent)) : nil)
            offset += extent
        }
        return grads
    }
}

/// Stacks equally shaped tensors along a new axis: `[(B, D)] × T` at axis 1 `→ (B, T, D)`.
/// - Throws: `TensorError.shapeMismatch` for disagreeing shapes, `invalidArgument` for no tensors.
public func stack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    try concat(tensors.map { try $0.unsqueezed(axis: axis) }, axis: axis)
}
