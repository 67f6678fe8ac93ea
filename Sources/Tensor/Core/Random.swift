/// SplitMix64: expands one 64-bit seed into well-mixed words (used to seed `Xoshiro256`).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose stream is determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64-bit output.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the engine's deterministic generator. The same seed gives the same stream on
/// every platform: it uses only integer arithmetic, and its floats and normals only IEEE
/// operations (no platform `log`/`cos`), so initial weights and dropout masks are reproducible.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose state is four SplitMix64 outputs of `seed`.
    public init(seed: UInt64) {
        var mix = SplitMix64(seed: seed)
        s = (mix.next(), mix.next(), mix.next(), mix.next())
    }

    /// The next 64-bit output.
    public mutating func next() -> UInt64 {
        let result = rotate(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotate(s.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform float in `[0, 1)` with 24 random bits.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal sample (Marsaglia's polar method with a portable logarithm).
    public mutating func nextNormal() -> Float {
        while true {
            let u = 2 * nextDouble() - 1, v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return Float(u * (-2 * PortableMath.log(s) / s).squareRoot())
            }
        }
    }

    /// A new generator for a sub-stream (e.g. one per layer or per step), derived from this one's
    /// next output so that streams do not overlap in practice.
    public mutating func split() -> Xoshiro256 {
        Xoshiro256(seed: next())
    }
}

/// Math written with IEEE basic operations only, so that results agree bit for bit everywhere.
enum PortableMath {
    /// Natural logarithm of a positive, finite double: `x = m·2ᵉ` with `m ∈ [√½, √2)`, then
    /// `log m = 2·atanh((m − 1)/(m + 1))` by its series (error below 1e-16 relative).
    static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "PortableMath.log of \(x)")
        var m = x.significand  // [1, 2)
        var e = Double(x.exponent)
        if m > 2.0.squareRoot() { m /= 2; e += 1 }
        let z = (m - 1) / (m + 1), z2 = z * z
        var term = z, sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= z2
            k += 2
        }
        return 2 * sum + e * 0.693_147_180_559_945_309_417_232_121_458
    }
}

extension Tensor {
    /// Independent uniform samples from `range`. `→ shape`.
    public static func uniform(_ shape: [Int], in range: ClosedRange<Float>, using generator: inout Xoshiro256) -> Tensor {
        let width = range.upperBound - range.lowerBound
        return Tensor(shape: shape) { _ in range.lowerBound + width * generator.nextFloat() }
    }

    /// Independent normal samples with the given mean and standard deviation. `→ shape`.
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              using generator: inout Xoshiro256) -> Tensor {
        Tensor(shape: shape) { _ in mean + standardDeviation * generator.nextNormal() }
    }

    /// PyTorch's default initialisation for conv and linear weights (and their biases): uniform on
    /// `±1/√fanIn`, where `fanIn` is the product of every axis but the first.
    public static func defaultInitialised(_ shape: [Int], fanIn: Int? = nil, using generator: inout Xoshiro256) -> Tensor {
        let fan = fanIn ?? shape.dropFirst().reduce(1, *)
        let bound = 1 / Float(max(fan, 1)).squareRoot()
        return uniform(shape, in: -bound...bound, using: &generator)
    }
}
