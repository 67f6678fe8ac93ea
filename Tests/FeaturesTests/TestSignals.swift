import Foundation

/// Deterministic test signals (SplitMix64 + Box–Muller), so every run sees the same samples.
struct TestSignals {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Next uniform value in [0, 1).
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// Standard normal samples, `(count,)`.
    mutating func gaussian(count: Int) -> [Float] {
        (0..<count).map { _ in
            let u = max(uniform(), .leastNonzeroMagnitude)
            return Float((-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * uniform()))
        }
    }

    /// White noise of a given RMS, `(count,)`.
    mutating func whiteNoise(count: Int, rms: Float) -> [Float] {
        gaussian(count: count).map { $0 * rms }
    }

    /// Mean square of a signal.
    static func power(_ x: [Float]) -> Double {
        x.isEmpty ? 0 : x.reduce(0) { $0 + Double($1) * Double($1) } / Double(x.count)
    }
}
