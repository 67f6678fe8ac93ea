import Foundation

// The scalar functions and operators that the elementwise ops apply, each with its derivative
// beside it. Types rather than closures so that the kernels' loops inline them
// (`ElementwiseFunction`).

struct ReLU: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) }
    /// 0 at 0, as PyTorch.
    func derivative(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : 0 }
}

/// The exact (erf) form `x · Φ(x) = ½x(1 + erf(x/√2))`.
struct GELU: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erf(x * Float(0.5).squareRoot())) }
    func derivative(_ x: Float, _ y: Float) -> Float {
        let cdf = 0.5 * (1 + Foundation.erf(x * Float(0.5).squareRoot()))
        let pdf = Foundation.exp(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
        return cdf + x * pdf
    }
}

struct Logistic: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Tensor.logistic(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { y * (1 - y) }
}

struct HyperbolicTangent: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Foundation.tanh(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { 1 - y * y }
}

struct Softplus: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Tensor.softplus(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { Tensor.logistic(x) }
}

/// `a·x`.
struct Scale: ElementwiseFunction {
    var factor: Float
    func callAsFunction(_ x: Float) -> Float { factor * x }
    func derivative(_ x: Float, _ y: Float) -> Float { factor }
}

/// `a·x + c`; with `a` = 1 or −1 it is exactly `x + c` or `c − x`.
struct AffineMap: ElementwiseFunction {
    var scale: Float
    var offset: Float
    func callAsFunction(_ x: Float) -> Float { scale * x + offset }
    func derivative(_ x: Float, _ y: Float) -> Float { scale }
}

struct Square: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { x * x }
    func derivative(_ x: Float, _ y: Float) -> Float { 2 * x }
}

struct SquareRoot: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Foundation.sqrt(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { 0.5 / y }
}

struct Exponential: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Foundation.exp(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { y }
}

struct NaturalLogarithm: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Foundation.log(x) }
    func derivative(_ x: Float, _ y: Float) -> Float { 1 / x }
}

struct AbsoluteValue: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { Swift.abs(x) }
    /// 0 at 0.
    func derivative(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

struct Power: ElementwiseFunction {
    var exponent: Float
    func callAsFunction(_ x: Float) -> Float { Foundation.pow(x, exponent) }
    func derivative(_ x: Float, _ y: Float) -> Float { exponent * Foundation.pow(x, exponent - 1) }
}

/// Clamped to `[lower, upper]`; derivative 1 inside (bounds included), 0 outside.
struct Clamp: ElementwiseFunction {
    var lower: Float
    var upper: Float
    func callAsFunction(_ x: Float) -> Float { Swift.min(Swift.max(x, lower), upper) }
    func derivative(_ x: Float, _ y: Float) -> Float { x >= lower && x <= upper ? 1 : 0 }
}

struct Sum: ElementwiseOperator {
    func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}

struct Difference: ElementwiseOperator {
    func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
}

struct Product: ElementwiseOperator {
    func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}

struct Quotient: ElementwiseOperator {
    func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}

/// `a`, ignoring `b`: a broadcast copy.
struct LeftOperand: ElementwiseOperator {
    func callAsFunction(_ a: Float, _ b: Float) -> Float { a }
}
