extension Tensor {
    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by
    /// `1/(1 − p)`. Call it only in training. `x → x` (same shape).
    /// - Throws: `TensorError.invalidArgument` unless `0 ≤ p ≤ 1`.
    public func dropout(probability p: Float, using generator: inout Xoshiro256) throws -> Tensor {
        try masked(probability: p, maskShape: shape, op: "dropout", using: &generator)
    }

    /// Channel-wise dropout (PyTorch's `Dropout2d`/`Dropout3d`): zeroes whole channels of
    /// `x: (N, C, …)` with probability `p` and scales the rest by `1/(1 − p)`. Training only.
    /// - Throws: `TensorError.invalidArgument` unless `0 ≤ p ≤ 1`; `invalidShape` for rank < 2.
    public func channelDropout(probability p: Float, using generator: inout Xoshiro256) throws -> Tensor {
        guard rank >= 2 else { throw TensorError.invalidShape(op: "channelDropout", shape: shape, expected: "(N, C, …)") }
        let maskShape = [shape[0], shape[1]] + [Int](repeating: 1, count: rank - 2)
        return try masked(probability: p, maskShape: maskShape, op: "channelDropout", using: &generator)
    }

    private func masked(probability p: Float, maskShape: [Int], op: String, using generator: inout Xoshiro256) throws -> Tensor {
        guard p >= 0 && p <= 1 else { throw TensorError.invalidArgument(op: op, message: "probability \(p) outside [0, 1]") }
        if p == 0 { return self }
        let keep = p == 1 ? 0 : 1 / (1 - p)
        let mask = Tensor(shape: maskShape) { _ in generator.nextFloat() < p ? 0 : keep }
        return try self * mask
    }
}
