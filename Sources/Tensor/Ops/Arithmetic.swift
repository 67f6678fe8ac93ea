import Foundation

// Elementwise arithmetic with NumPy/PyTorch broadcasting. Each backward reduces the output
// gradient back to its operand's shape (`sum(toShape:)`).

extension Tensor {
    private static func binary(_ op: String, _ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let shape = try ShapeMath.broadcast(a.shape, b.shape, op: op)
        return make(shape) { out in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    Kernels.broadcastZip(pa.baseAddress!, a.shape, pb.baseAddress!, b.shape, out, shape, f)
                }
            }
        }
    }

    /// Elementwise `a + b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("add", a, b, +).recorded("add", [a, b]) { g, needs in
            [needs[0] ? try g.sum(toShape: a.shape) : nil, needs[1] ? try g.sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise `a − b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("sub", a, b, -).recorded("sub", [a, b]) { g, needs in
            [needs[0] ? try g.sum(toShape: a.shape) : nil, needs[1] ? try (-g).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise `a · b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("mul", a, b, *).recorded("mul", [a, b]) { g, needs in
            [needs[0] ? try (g * b).sum(toShape: a.shape) : nil, needs[1] ? try (g * a).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise `a / b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("div", a, b, /).recorded("div", [a, b]) { g, needs in
            let ga = needs[0] ? try (g / b).sum(toShape: a.shape) : nil
            let gb = needs[1] ? try ((-g) * a / (b * b)).sum(toShape: b.shape) : nil
            return [ga, gb]
        }
    }

    /// Elementwise `−x`.
    public static prefix func - (x: Tensor) -> Tensor {
        x.map("neg", { -$0 }, derivative: { _, _ in -1 })
    }

    /// `x + c` for a constant `c`.
    public static func + (x: Tensor, c: Float) -> Tensor { x.map("addScalar", { $0 + c }, derivative: { _, _ in 1 }) }
    /// `x − c` for a constant `c`.
    public static func - (x: Tensor, c: Float) -> Tensor { x + (-c) }
    /// `c − x` for a constant `c`.
    public static func - (c: Float, x: Tensor) -> Tensor { x.map("rsubScalar", { c - $0 }, derivative: { _, _ in -1 }) }
    /// `x · c` for a constant `c`.
    public static func * (x: Tensor, c: Float) -> Tensor { x.map("mulScalar", { $0 * c }, derivative: { _, _ in c }) }
    /// `c · x` for a constant `c`.
    public static func * (c: Float, x: Tensor) -> Tensor { x * c }
    /// `x / c` for a constant `c`.
    public static func / (x: Tensor, c: Float) -> Tensor { x * (1 / c) }

    /// Applies `f` elementwise; `derivative(x, y)` is `dy/dx` given input `x` and output `y`.
    func map(_ op: String, _ f: (Float) -> Float,
             derivative: @escaping @Sendable (Float, Float) -> Float) -> Tensor {
        let y = Tensor.make(shape) { out in
            withUnsafeBufferPointer { Kernels.map($0.baseAddress!, out, count: count, f) }
        }
        let x = self
        return y.recorded(op, [x]) { g, _ in
            [Tensor.make(x.shape) { out in
                x.withUnsafeBufferPointer { px in
                    y.withUnsafeBufferPointer { py in
                        g.withUnsafeBufferPointer { pg in
                            Kernels.zip3(px.baseAddress!, py.baseAddress!, pg.baseAddress!, out, count: x.count) {
                                derivative($0, $1) * $2
                            }
                        }
                    }
                }
            }]
        }
    }

    /// Elementwise `x²`.
    public func squared() -> Tensor { map("square", { $0 * $0 }, derivative: { x, _ in 2 * x }) }

    /// Elementwise square root (of non-negative values).
    public func sqrt() -> Tensor { map("sqrt", { Foundation.sqrt($0) }, derivative: { _, y in 0.5 / y }) }

    /// Elementwise `eˣ`.
    public func exp() -> Tensor { map("exp", { Foundation.exp($0) }, derivative: { _, y in y }) }

    /// Elementwise natural logarithm (of positive values).
    public func log() -> Tensor { map("log", { Foundation.log($0) }, derivative: { x, _ in 1 / x }) }

    /// Elementwise `|x|` (derivative 0 at 0).
    public func abs() -> Tensor {
        map("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }

    /// Elementwise `xᵖ` for a constant exponent.
    public func pow(_ p: Float) -> Tensor {
        map("pow", { Foundation.pow($0, p) }, derivative: { x, _ in p * Foundation.pow(x, p - 1) })
    }

    /// Elementwise clamp to `[lower, upper]` (derivative 1 inside, 0 outside).
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        let lo = range.lowerBound, hi = range.upperBound
        return map("clamp", { Swift.min(Swift.max($0, lo), hi) }, derivative: { x, _ in x >= lo && x <= hi ? 1 : 0 })
    }
}
