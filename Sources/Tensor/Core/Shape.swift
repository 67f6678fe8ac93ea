/// Shape arithmetic shared by the ops.
enum ShapeMath {
    /// Row-major strides of a contiguous tensor of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The NumPy/PyTorch broadcast of two shapes (aligned at the last axis; extents must be equal
    /// or 1). - Throws: `TensorError.shapeMismatch` naming `op`.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { throw TensorError.shapeMismatch(op: op, lhs: a, rhs: b) }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// Normalises a possibly negative axis for a tensor of `rank`.
    /// - Throws: `TensorError.invalidArgument` when it is out of range.
    static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let normalised = axis < 0 ? axis + rank : axis
        guard normalised >= 0 && normalised < rank else {
            throw TensorError.invalidArgument(op: op, message: "axis \(axis) out of range for rank \(rank)")
        }
        return normalised
    }

    /// Normalised, sorted, distinct axes. - Throws: `TensorError.invalidArgument` on repeats or range.
    static func axes(_ axes: [Int], rank: Int, op: String) throws -> [Int] {
        let normalised = try axes.map { try axis($0, rank: rank, op: op) }.sorted()
        guard Set(normalised).count == normalised.count else {
            throw TensorError.invalidArgument(op: op, message: "repeated axis in \(axes)")
        }
        return normalised
    }
}
