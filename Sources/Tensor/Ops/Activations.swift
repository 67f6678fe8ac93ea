import Foundation

// Pointwise activations; each derivative is written next to its function.

extension Tensor {
    /// `max(x, 0)` elementwise (derivative 0 at 0, as PyTorch).
    public func relu() -> Tensor {
        map("relu", { Swift.max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 })
    }

    /// GELU in its exact (erf) form: `x · Φ(x) = ½x(1 + erf(x/√2))`.
    public func gelu() -> Tensor {
        map("gelu", { 0.5 * $0 * (1 + Foundation.erf($0 * Float(0.5).squareRoot())) }, derivative: { x, _ in
            let cdf = 0.5 * (1 + Foundation.erf(x * Float(0.5).squareRoot()))
            let pdf = Foundation.exp(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
            return cdf + x * pdf
        })
    }

    /// The logistic function `1 / (1 + e⁻ˣ)`, computed without overflow.
    public func sigmoid() -> Tensor {
        map("sigmoid", Tensor.logistic, derivative: { _, y in y * (1 - y) })
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        map("tanh", { Foundation.tanh($0) }, derivative: { _, y in 1 - y * y })
    }

    /// `log(1 + eˣ)`, computed without overflow; its derivative is the logistic function.
    public func softplus() -> Tensor {
        map("softplus", Tensor.softplus, derivative: { x, _ in Tensor.logistic(x) })
    }

    static func logistic(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    static func softplus(_ x: Float) -> Float {
        Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
    }
}
