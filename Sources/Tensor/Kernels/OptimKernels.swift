extension Kernels {
    /// One AdamW step on `count` elements (PyTorch's formulation): decoupled decay
    /// `p −= lr·λ·p`, moments `m = β₁m + (1−β₁)g`, `v = β₂v + (1−β₂)g²`, then
    /// `p −= (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)`.
    static func adamW(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                      _ v: UnsafeMutablePointer<Float>, count: Int, learningRate lr: Float, weightDecay: Float,
                      beta1: Float, beta2: Float, epsilon: Float, step: Int) {
        let correction1 = 1 - Float(Double(beta1).power(step))
        let correction2Root = Float((1 - Double(beta2).power(step)).squareRoot())
        let stepSize = lr / correction1
        let decay = 1 - lr * weightDecay
        parallelFor(count, grain: elementwiseGrain) { range in
            for i in range {
                let gi = g[i]
                let mi = beta1 * m[i] + (1 - beta1) * gi
                let vi = beta2 * v[i] + (1 - beta2) * gi * gi
                m[i] = mi
                v[i] = vi
                p[i] = p[i] * decay - stepSize * mi / (vi.squareRoot() / correction2Root + epsilon)
            }
        }
    }

    /// `Σ x²` accumulated in Double, sequentially.
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var s: Double = 0
        for i in 0..<count { s += Double(x[i]) * Double(x[i]) }
        return s
    }
}

extension Double {
    /// `self` raised to a non-negative integer power by repeated squaring (portable, exact order).
    func power(_ exponent: Int) -> Double {
        var result = 1.0, base = self, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
