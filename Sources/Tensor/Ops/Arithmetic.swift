import Foundation

// Elementwise arithmetic with NumPy/PyTorch broadcasting. Each backward reduces the output
// gradient back to its operand's shape (`sum(toShape:)`).

extension Tensor {
    private static func binary<Op: ElementwiseOperator>(_ op: String, _ a: Tensor, _ b: Tensor, _ f: Op) throws -> Tensor {
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
        try binary("add", a, b, Sum()).recorded("add", [a, b]) { g, needs in
            [needs[0] ? try g.sum(toShape: a.shape) : nil, needs[1] ? try g.sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise `a − b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("sub", a, b, Difference()).recorded("sub", [a, b]) { g, needs in
            [needs[0] ? try g.sum(toShape: a.shape) : nil, needs[1] ? try (-g).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise `a · b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("mul", a, b, Product()).recorded("mul", [a, b]) { g, needs in
            [needs[0] ? try (g * b).sum(toShape: a.shape) : nil, needs[1] ? try (g * a).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise `a / b` with broadcasting. - Throws: `TensorError.shapeMismatch`.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        try binary("div", a, b, Quotient()).recorded("div", [a, b]) { g, needs in
            let ga = needs[0] ? try (g / b).sum(toShape: a.shape) : nil
            let gb = needs[1] ? try ((-g) * a / (b * b)).sum(toShape: b.shape) : nil
            return [ga, gb]
        }
    }

    /// Elementwise `−x`.
    public static prefix func - (x: Tensor) -> Tensor {
        x.map("neg", Scale(factor: -1))
    }

    /// `x + c` for a constant `c`.
    public static func + (x: Tensor, c: Float) -> Tensor { x.map("addScalar", AffineMap(scale: 1, offset: c)) }
    /// `x − c` for a constant `c`.
    public static func - (x: Tensor, c: Float) -> Tensor { x + (-c) }
    /// `c − x` for a constant `c`.
    public static func - (c: Float, x: Tensor) -> Tensor { x.map("rsubScalar", AffineMap(scale: -1, offset: c)) }
    /// `x · c` for a constant `c`.
    public static func * (x: Tensor, c: Float) -> Tensor { x.map("mulScalar", Scale(factor: c)) }
    /// `c · x` for a constant `c`.
    public static func * (c: Float, x: Tensor) -> Tensor { x * c }
    /// `x / c` for a constant `c`.
    public static func / (x: Tensor, c: Float) -> Tensor { x * (1 / c) }

    /// Applies `f` elementwise, recording `f`'s derivative for the backward pass.
    func map<F: ElementwiseFunction>(_ op: String, _ f: F) -> Tensor {
        let y = Tensor.make(shape) { out in
            withUnsafeBufferPointer { Kernels.map($0.baseAddress!, out, count: count, f) }
        }
        let x = self
        return y.recorded(op, [x]) { g, _ in
            [Tensor.make(x.shape) { out in
                x.withUnsafeBufferPointer { px in
                    y.withUnsafeBufferPointer { py in
                        g.withUnsafeBufferPointer { pg in
                            Kernels.mapGradient(px.baseAddress!, py.baseAddress!, pg.baseAddress!, out, count: x.count, f)
                        }
                    }
                }
            }]
        }
    }

    /// Elementwise `x²`.
    public func squared() -> Tensor { map("square", Square()) }

    /// Elementwise square root (of non-negative values).
    public func sqrt() -> Tensor { map("sqrt", SquareRoot()) }

    /// Elementwise `eˣ`.
    public func exp() -> Tensor { map("exp", Exponential()) }

    /// Elementwise natural logarithm (of positive values).
    public func log() -> Tensor { map("log", NaturalLogarithm()) }

    /// Elementwise `|x|` (derivative 0 at 0).
    public func abs() -> Tensor {
        map("abs", AbsoluteValue())
    }

    /// Elementwise `xᵖ` for a constant exponent.
    public func pow(_ p: Float) -> Tensor {
        map("pow", Power(exponent: p))
    }

    /// Elementwise clamp to `[lower, upper]` (derivative 1 inside, 0 outside).
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        let lo = range.lowerBound, hi = range.upperBound
        return map("clamp", Clamp(lower: lo, upper: hi))
    }
}
