/// The look of one synthetic speaker and camera: fixed for a clip.
public struct FaceAppearance: Codable, Sendable {
    public var skin: [Double]          // RGB 0…1
    public var lip: [Double]           // RGB 0…1
    public var cavity: [Double]        // RGB 0…1
    public var teeth: [Double]         // RGB 0…1
    public var upperLip: Double        // thickness, face units
    public var lowerLip: Double
    public var mouthWidth: Double      // scale of the mouth's half-width
    public var jaw: Double             // scale of the opening
    public var bowDepth: Double        // cupid's bow
    public var mouthHeight: Double     // vertical position of the mouth centre
    public var lightAngle: Double      // radians, direction the light comes from in the image plane
    public var lightElevation: Double  // 0 (grazing) … 1 (frontal)
    public var ambient: Double
    public var lightTint: [Double]     // RGB multipliers
    public var textureSeed: UInt64
    public var textureStrength: Double
    public var stubble: Double         // 0 … 1
    public var cameraNoise: Double     // standard deviation, 8-bit levels
    public var defocus: Bool
    public var motionAmplitude: Double // head motion scale
    public var motionSeed: UInt64

    /// A random appearance.
    public static func random(using random: inout SeededRandom) -> FaceAppearance {
        // Skin tones from very light to very dark.
        let tones: [[Double]] = [
            [0.96, 0.80, 0.69], [0.92, 0.74, 0.62], [0.87, 0.68, 0.55], [0.80, 0.60, 0.46],
            [0.72, 0.52, 0.38], [0.62, 0.43, 0.30], [0.50, 0.34, 0.23], [0.40, 0.27, 0.18],
            [0.31, 0.20, 0.14], [0.88, 0.72, 0.58], [0.76, 0.58, 0.42], [0.58, 0.40, 0.28],
        ]
        var skin = random.pick(tones)
        for c in 0..<3 { skin[c] = min(1, max(0, skin[c] * random.uniform(0.93, 1.07))) }
        let redness = random.uniform(0.15, 0.4)
        let darkness = random.uniform(0.62, 0.85)
        let lip = [min(1, skin[0] * darkness + redness * 0.35), skin[1] * darkness * 0.78, skin[2] * darkness * 0.82]
        let cavityShade = random.uniform(0.06, 0.16)
        return FaceAppearance(
            skin: skin, lip: lip,
            cavity: [cavityShade * 1.6, cavityShade * 0.6, cavityShade * 0.6],
            teeth: [random.uniform(0.82, 0.95), random.uniform(0.78, 0.9), random.uniform(0.66, 0.82)],
            upperLip: random.uniform(0.08, 0.13), lowerLip: random.uniform(0.11, 0.17),
            mouthWidth: random.uniform(0.85, 1.15), jaw: random.uniform(0.8, 1.2),
            bowDepth: random.uniform(0.01, 0.035), mouthHeight: random.uniform(-0.05, 0.12),
            lightAngle: random.uniform(0, 2 * Double.pi), lightElevation: random.uniform(0.45, 0.9),
            ambient: random.uniform(0.35, 0.6),
            lightTint: [random.uniform(0.92, 1.06), random.uniform(0.94, 1.04), random.uniform(0.88, 1.08)],
            textureSeed: random.next(), textureStrength: random.uniform(0.02, 0.07),
            stubble: random.chance(0.25) ? random.uniform(0.2, 0.8) : 0,
            cameraNoise: random.uniform(0.5, 5), defocus: random.chance(0.3),
            motionAmplitude: random.uniform(0.2, 1.0), motionSeed: random.next())
    }
}
