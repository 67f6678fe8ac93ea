import Foundation

// Pointwise activations; each derivative is written next to its function.

extension Tensor {
    /// `max(x, 0)` elementwise (derivative 0 at 0, as PyTorch).
    public func relu() -> Tensor {
        map("relu", ReLU())
    }

    /// GELU in its exact (erf) form: `x · Φ(x) = ½x(1 + erf(x/√2))`.
    public func gelu() -> Tensor {
        map("gelu", GELU())
    }

    /// The logistic function `1 / (1 + e⁻ˣ)`, computed without overflow.
    public func sigmoid() -> Tensor {
        map("sigmoid", Logistic())
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        map("tanh", HyperbolicTangent())
    }

    /// `log(1 + eˣ)`, computed without overflow; its derivative is the logistic function.
    public func softplus() -> Tensor {
        map("softplus", Softplus())
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
