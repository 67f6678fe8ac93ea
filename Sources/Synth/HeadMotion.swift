import Foundation

/// Smooth head motion for one clip: translation, scale and in-plane rotation as
/// sums of slow sinusoids with random phases.
public struct HeadMotion: Sendable {
    private let components: [(amplitude: Double, frequency: Double, phase: Double)]

    public init(amplitude: Double, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        // dx, dy, scale, angle: two sinusoids each at 0.1–1.2 Hz.
        components = (0..<8).map { _ in
            (random.uniform(0.4, 1) * amplitude, random.uniform(0.1, 1.2), random.uniform(0, 2 * Double.pi))
        }
    }

    /// The pose of the head at `t` seconds: offset (face units), scale and angle (radians).
    public func transform(at t: Double) -> (dx: Double, dy: Double, scale: Double, angle: Double) {
        func wave(_ i: Int) -> Double {
            let a = components[2 * i], b = components[2 * i + 1]
            return a.amplitude * sin(2 * Double.pi * a.frequency * t + a.phase)
                + 0.5 * b.amplitude * sin(2 * Double.pi * b.frequency * t + b.phase)
        }
        return (0.08 * wave(0), 0.06 * wave(1), 1 + 0.06 * wave(2), 0.08 * wave(3))
    }
}
