extension Kernels {
    /// Per-channel mean and biased variance of `x` viewed as `(N, C, L)`, accumulated in Double.
    static func channelStatistics(_ x: UnsafePointer<Float>, n: Int, c: Int, l: Int,
                                  mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>) {
        let total = Double(n * l)
        parallelFor(c, grain: max(1, elementwiseGrain / max(1, n * l))) { channels in
            for ch in channels {
                var s: Double = 0
                for b in 0..<n {
                    let p = x + (b * c + ch) * l
                    for i in 0..<l { s += Double(p[i]) }
                }
                let mu = s / total
                var v: Double = 0
                for b in 0..<n {
                    let p = x + (b * c + ch) * l
                    for i in 0..<l { let d = Double(p[i]) - mu; v += d * d }
                }
                mean[ch] = Float(mu)
                variance[ch] = Float(v / total)
            }
        }
    }

    /// `y = x · scale[c] + shift[c]` for `x` viewed as `(N, C, L)`.
    static func channelAffine(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, n: Int, c: Int, l: Int,
                              scale: UnsafePointer<Float>, shift: UnsafePointer<Float>) {
        parallelFor(n * c, grain: max(1, elementwiseGrain / max(1, l))) { rows in
            for row in rows {
                let a = scale[row % c], b = shift[row % c]
                let p = x + row * l, q = y + row * l
                for i in 0..<l { q[i] = p[i] * a + b }
            }
        }
    }

    /// Per-channel `Σ g` and `Σ g · (x − mean[c]) · invStd[c]` for `(N, C, L)` tensors.
    static func channelGradientSums(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, n: Int, c: Int, l: Int,
                                    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                    sumG: UnsafeMutablePointer<Float>, sumGXhat: UnsafeMutablePointer<Float>) {
        parallelFor(c, grain: max(1, elementwiseGrain / max(1, n * l))) { channels in
            for ch in channels {
                var s: Double = 0, t: Double = 0
                let mu = mean[ch]
                for b in 0..<n {
                    let p = x + (b * c + ch) * l, q = g + (b * c + ch) * l
                    for i in 0..<l {
                        s += Double(q[i])
                        t += Double(q[i] * (p[i] - mu))
                    }
                }
                sumG[ch] = Float(s)
                sumGXhat[ch] = Float(t) * invStd[ch]
            }
        }
    }

    /// Training-mode batch-norm input gradient:
    /// `dx = γ·invStd/M · (M·g − Σg − x̂·Σ(g·x̂))` with `M = N·L`, `x̂ = (x − mean)·invStd`.
    static func batchNormInputGradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                       n: Int, c: Int, l: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                       gamma: UnsafePointer<Float>?, sumG: UnsafePointer<Float>, sumGXhat: UnsafePointer<Float>) {
        let m = Float(n * l)
        parallelFor(n * c, grain: max(1, elementwiseGrain / max(1, l))) { rows in
            for row in rows {
                let ch = row % c
                let k = (gamma?[ch] ?? 1) * invStd[ch] / m
                let mu = mean[ch], inv = invStd[ch], sg = sumG[ch], sgx = sumGXhat[ch]
                let p = x + row * l, q = g + row * l, r = dx + row * l
                for i in 0..<l { r[i] = k * (m * q[i] - sg - (p[i] - mu) * inv * sgx) }
            }
        }
    }

    /// Layer norm of `rows` rows of length `d`: `y = (x − μ)/√(σ² + ε) · γ + β`; stores each
    /// row's mean and inverse standard deviation.
    static func layerNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, d: Int, epsilon: Float,
                          gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                          mean: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>) {
        parallelFor(rows, grain: max(1, elementwiseGrain / max(1, d))) { range in
            for row in range {
                let p = x + row * d, q = y + row * d
                var s: Double = 0
                for i in 0..<d { s += Double(p[i]) }
                let mu = s / Double(d)
                var v: Double = 0
                for i in 0..<d { let e = Double(p[i]) - mu; v += e * e }
                let inv = Float(1 / (v / Double(d) + Double(epsilon)).squareRoot())
                let m = Float(mu)
                mean[row] = m
                invStd[row] = inv
                for i in 0..<d {
                    let xhat = (p[i] - m) * inv
                    q[i] = xhat * (gamma?[i] ?? 1) + (beta?[i] ?? 0)
                }
            }
        }
    }

    /// Layer-norm input gradient per row: `dx = invStd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))` with
    /// `ĝ = g · γ`.
    static func layerNormInputGradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                       rows: Int, d: Int, gamma: UnsafePointer<Float>?,
                                       mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>) {
        parallelFor(rows, grain: max(1, elementwiseGrain / max(1, d))) { range in
            for row in range {
                let p = x + row * d, q = g + row * d, r = dx + row * d
                let mu = mean[row], inv = invStd[row]
                var s: Float = 0, t: Float = 0
                for i in 0..<d {
                    let gh = q[i] * (gamma?[i] ?? 1)
                    s += gh
                    t += gh * (p[i] - mu) * inv
                }
                s /= Float(d)
                t /= Float(d)
                for i in 0..<d {
                    let gh = q[i] * (gamma?[i] ?? 1)
                    r[i] = inv * (gh - s - (p[i] - mu) * inv * t)
                }
            }
        }
    }

    /// Layer-norm parameter gradients: `dγ = Σ_rows g · x̂`, `dβ = Σ_rows g` (sequential).
    static func layerNormParameterGradients(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, rows: Int, d: Int,
                                            mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                            dGamma: UnsafeMutablePointer<Float>, dBeta: UnsafeMutablePointer<Float>) {
        dGamma.initialize(repeating: 0, count: d)
        dBeta.initialize(repeating: 0, count: d)
        for row in 0..<rows {
            let p = x + row * d, q = g + row * d
            let mu = mean[row], inv = invStd[row]
            for i in 0..<d {
                dGamma[i] += q[i] * (p[i] - mu) * inv
                dBeta[i] += q[i]
            }
        }
    }
}
