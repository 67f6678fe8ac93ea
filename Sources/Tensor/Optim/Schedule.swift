/// Linear warm-up followed by cosine decay, as a factor on each group's learning rate.
///
/// Step `s` (counted from 0) gets `(s + 1) / warmup` during warm-up, then
/// `floor + (1 − floor) · ½ · (1 + cos(π · progress))` with `progress` going from 0 to 1 over the
/// remaining steps, and `floor` after `totalSteps`.
public struct WarmupCosineSchedule: Sendable, Equatable {
    /// Steps of linear warm-up.
    public var warmupSteps: Int
    /// Steps until the factor reaches `floor` (warm-up included).
    public var totalSteps: Int
    /// The factor the decay ends at (e.g. 0.01).
    public var floor: Float

    /// `totalSteps` below `warmupSteps` is raised to it.
    public init(warmupSteps: Int, totalSteps: Int, floor: Float = 0) {
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(totalSteps, self.warmupSteps)
        self.floor = floor
    }

    /// The learning-rate factor at `step`.
    public func factor(atStep step: Int) -> Float {
        if step < warmupSteps { return Float(step + 1) / Float(warmupSteps) }
        let span = totalSteps - warmupSteps
        guard span > 0, step < totalSteps else { return span > 0 ? floor : 1 }
        let progress = Double(step - warmupSteps) / Double(span)
        let cosine = 0.5 * (1 + PortableMath.cos(Double.pi * progress))
        return floor + (1 - floor) * Float(cosine)
    }
}

extension PortableMath {
    /// Cosine on `[0, π]` by its Taylor series around π/2 (`cos x = −sin(x − π/2)`), using basic
    /// IEEE operations only; error below 1e-15.
    static func cos(_ x: Double) -> Double {
        precondition(x >= 0 && x <= Double.pi + 1e-12, "PortableMath.cos expects [0, π], got \(x)")
        let y = x - Double.pi / 2
        var term = y, sum = 0.0
        var n = 1.0
        while n < 40 {
            sum += term
            term *= -y * y / ((n + 1) * (n + 2))
            n += 2
        }
        return -sum
    }
}
