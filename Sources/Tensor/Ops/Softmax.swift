extension Tensor {
    /// Softmax along `axis`: `x: (…, N, …) → (…, N, …)`, each line summing to 1.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range.
    public func softmax(axis: Int = -1) throws -> Tensor {
        try softmax(axis: axis, log: false)
    }

    /// `log(softmax(x))` along `axis`, computed stably.
    /// - Throws: `TensorError.invalidArgument` for an axis out of range.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try softmax(axis: axis, log: true)
    }

    private func softmax(axis: Int, log: Bool) throws -> Tensor {
        let op = log ? "logSoftmax" : "softmax"
        let axis = try ShapeMath.axis(axis, rank: rank, op: op)
        let outer = shape.prefix(axis).reduce(1, *), n = shape[axis], inner = shape.dropFirst(axis + 1).reduce(1, *)
        let y = Tensor.make(shape) { out in
            withUnsafeBufferPointer { Kernels.softmax($0.baseAddress!, out, outer: outer, n: n, inner: inner, log: log) }
        }
        return y.recorded(op, [self]) { g, _ in
            [Tensor.make(y.shape) { out in
                y.withUnsafeBufferPointer { py in
                    g.withUnsafeBufferPointer { pg in
                        Kernels.softmaxBackward(py.baseAddress!, pg.baseAddress!, out, outer: outer, n: n, inner: inner, log: log)
                    }
                }
            }]
        }
    }
}
