import Foundation
import Media

/// Renders a mouth-centred view of a face — skin with texture and shading, nose
/// base, philtrum, lips with colour and highlights, the dark oral cavity, teeth
/// and tongue, the chin crease — for a mouth pose, under head motion and camera
/// noise.
///
/// Coordinates: the face frame spans [−1, 1]² (x right, y down) before head motion;
/// the image is `size`×`size` pixels.
public struct MouthRenderer: Sendable {
    public let size: Int
    public let appearance: FaceAppearance
    private let motion: HeadMotion
    private let texture: [Float]   // size×size value noise in [−1, 1]
    private let pores: [Float]

    public init(size: Int = 128, appearance: FaceAppearance) {
        self.size = size
        self.appearance = appearance
        motion = HeadMotion(amplitude: appearance.motionAmplitude, seed: appearance.motionSeed)
        texture = MouthRenderer.valueNoise(size: size, cells: 6, octaves: 3, seed: appearance.textureSeed)
        pores = MouthRenderer.valueNoise(size: size, cells: 40, octaves: 1, seed: appearance.textureSeed ^ 0xABCD)
    }

    /// Geometry of the lips for one pose (face units).
    struct LipGeometry {
        var centreX: Double
        var centreY: Double
        var halfWidth: Double
        var aperture: Double     // half-height of the opening at the middle
        var upper: Double        // upper-lip thickness
        var lower: Double        // lower-lip thickness
        var bow: Double
        var pose: MouthPose

        init(pose: MouthPose, appearance: FaceAppearance) {
            self.pose = pose
            centreX = 0
            centreY = appearance.mouthHeight
            halfWidth = 0.56 * appearance.mouthWidth * (0.8 + 0.4 * pose.spread - 0.3 * pose.round)
            aperture = 0.40 * appearance.jaw * pose.open * (1 - 0.2 * pose.round)
            upper = appearance.upperLip * (1 + 0.45 * pose.round - 0.2 * pose.spread)
            lower = appearance.lowerLip * (1 + 0.45 * pose.round - 0.2 * pose.spread)
            bow = appearance.bowDepth
        }

        /// Lines of the lips at horizontal position `s` = (x − centre) / halfWidth.
        func lines(_ s: Double) -> (outerTop: Double, innerTop: Double, innerBottom: Double, outerBottom: Double) {
            let body = max(0, 1 - s * s)
            let thickness = pow(body, 0.45)
            let opening = aperture * pow(body, 0.75)
            let mid = centreY + aperture * 0.35   // the jaw drops: the lower lip moves more
            let innerTop = mid - opening * 0.4
            let innerBottom = mid + opening * 0.6
            let dip = bow * (exp(-pow((s - 0.2) / 0.13, 2)) + exp(-pow((s + 0.2) / 0.13, 2)) - 0.6 * exp(-pow(s / 0.08, 2)))
            let outerTop = innerTop - upper * thickness - dip
            let outerBottom = innerBottom + lower * thickness
            return (outerTop, innerTop, innerBottom, outerBottom)
        }
    }

    /// Renders the face at time `t` (seconds, drives head motion) with `pose`.
    /// - Parameters:
    ///   - previous: The previous frame, blended in for motion blur when the mouth moves fast.
    ///   - noise: Generator for the camera noise.
    /// - Returns: An image `size`×`size`.
    public func render(pose: MouthPose, at t: Double, noise: inout SeededRandom) -> RGBImage {
        let (dx, dy, scale, angle) = motion.transform(at: t)
        let lips = LipGeometry(pose: pose, appearance: appearance)
        let n = size
        let cosA = cos(angle), sinA = sin(angle)
        let light = (x: cos(appearance.lightAngle) * (1 - appearance.lightElevation),
                     y: sin(appearance.lightAngle) * (1 - appearance.lightElevation),
                     z: appearance.lightElevation)
        let lightNorm = (light.x * light.x + light.y * light.y + light.z * light.z).squareRoot()
        let pixel = 2.0 / Double(n) / scale
        var out = [UInt8](repeating: 0, count: n * n * 3)
        let skin = appearance.skin, lipColor = appearance.lip, tint = appearance.lightTint

        for row in 0..<n {
            for column in 0..<n {
                // Image → face coordinates (inverse head motion).
                let ix = (Double(column) + 0.5) / Double(n) * 2 - 1 - dx
                let iy = (Double(row) + 0.5) / Double(n) * 2 - 1 - dy
                let x = (cosA * ix + sinA * iy) / scale
                let y = (-sinA * ix + cosA * iy) / scale

                // Surface height and its gradient: a rounded face, the nose above,
                // the lips' bulge, the chin below.
                let (height, gx, gy) = surface(x: x, y: y, lips: lips)
                _ = height
                let nx = -gx, ny = -gy, nz = 1.0
                let nNorm = (nx * nx + ny * ny + nz * nz).squareRoot()
                let diffuse = max(0, (nx * light.x + ny * light.y + nz * light.z) / (nNorm * lightNorm))
                var shade = appearance.ambient + (1 - appearance.ambient) * diffuse

                let textureIndex = min(n - 1, max(0, Int((y + 1) / 2 * Double(n)))) * n + min(n - 1, max(0, Int((x + 1) / 2 * Double(n))))
                shade *= 1 + appearance.textureStrength * Double(texture[textureIndex]) + 0.02 * Double(pores[textureIndex])

                var colour = skin
                // Nostrils and the shadow under the nose.
                let nostril = min(ellipse(x - 0.22, y + 0.93, 0.11, 0.05), ellipse(x + 0.22, y + 0.93, 0.11, 0.05))
                let nostrilMix = 0.75 * smooth(-nostril, 0.5)
                // Nasolabial folds: faint lines from the nose wings toward the mouth corners.
                let foldX = 0.62 + 0.3 * (y + 0.75) * (y + 0.75)
                let foldDistance = min(abs(x - foldX), abs(x + foldX))
                let fold = (y > -0.75 && y < lips.centreY + 0.25) ? exp(-pow(foldDistance / 0.06, 2)) * 0.06 : 0
                shade *= 1 - fold
                // Stubble: dark specks on the upper lip and chin.
                if appearance.stubble > 0, abs(y - lips.centreY) > 0.12 || abs(x) > lips.halfWidth + 0.05 {
                    var hash = SeededRandom(seed: UInt64(truncatingIfNeeded: textureIndex) &* 0x9E37_79B9 ^ appearance.textureSeed)
                    let speck = hash.uniform(0, 1)
                    if speck < appearance.stubble * 0.25 { shade *= 0.8 }
                }

                // Lips and mouth interior.
                let s = (x - lips.centreX) / lips.halfWidth
                // The lip lines at this column: computed once, used by the lips and their shadow.
                let line = abs(s) < 1.05 ? lips.lines(max(-0.999, min(0.999, s))) : nil
                if let line {
                    let corner = smooth(1 - abs(s), 0.03)
                    let inUpper = smooth(y - line.outerTop, pixel) * smooth(line.innerTop - y, pixel) * corner
                    let inLower = smooth(y - line.innerBottom, pixel) * smooth(line.outerBottom - y, pixel) * corner
                    let inOpening = lips.aperture > 0.004 ? smooth(y - line.innerTop, pixel) * smooth(line.innerBottom - y, pixel) * corner : 0
                    if inUpper > 0 {
                        // Darker toward the opening, lighter at the vermilion border.
                        let depth = (y - line.outerTop) / max(1e-4, line.innerTop - line.outerTop)
                        // The upper lip faces down: darker, darkest toward the opening.
                        let lipShade = 0.82 - 0.22 * depth + 0.08 * exp(-pow(depth / 0.15, 2))
                        colour = mix(colour, lipColor.map { $0 * lipShade }, inUpper)
                    }
                    if inLower > 0 {
                        let depth = (y - line.innerBottom) / max(1e-4, line.outerBottom - line.innerBottom)
                        let highlight = exp(-pow((depth - 0.35) / 0.18, 2)) * exp(-pow(s / 0.45, 2)) * 0.25 * diffuse
                        let lipShade = 0.95 + highlight - 0.15 * (1 - depth) * (1 - depth)
                        colour = mix(colour, lipColor.map { min(1, $0 * lipShade + highlight * 0.3) }, inLower)
                    }
                    if inOpening > 0 {
                        colour = mix(colour, interior(x: x, y: y, s: s, line: line, lips: lips), inOpening)
                    }
                }
                colour = mix(colour, [skin[0] * 0.25, skin[1] * 0.16, skin[2] * 0.15], nostrilMix)

                // A soft shadow under the lower lip.
                if abs(s) < 1, let line {
                    let below = y - line.outerBottom
                    if below > 0 { shade *= 1 - 0.18 * exp(-pow(below / 0.05, 2)) * (1 - s * s) }
                }
                let base = (row * n + column) * 3
                for c in 0..<3 {
                    let value = colour[c] * shade * tint[c] * 255
                    out[base + c] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
        var image = RGBImage(width: n, height: n, pixels: out)
        if appearance.defocus { image = MouthRenderer.boxBlur(image) }
        if appearance.cameraNoise > 0 {
            for i in image.pixels.indices {
                let value = Double(image.pixels[i]) + noise.normal() * appearance.cameraNoise
                image.pixels[i] = UInt8(max(0, min(255, value.rounded())))
            }
        }
        return image
    }

    /// Colour inside the opening: cavity, teeth, tongue.
    private func interior(x: Double, y: Double, s: Double, line: (outerTop: Double, innerTop: Double, innerBottom: Double, outerBottom: Double),
                          lips: LipGeometry) -> [Double] {
        let pose = lips.pose
        let height = max(1e-4, line.innerBottom - line.innerTop)
        let v = (y - line.innerTop) / height   // 0 at the upper lip, 1 at the lower
        var colour = appearance.cavity
        // Depth: darker toward the middle of the opening.
        let depth = 1 - 0.5 * exp(-pow((v - 0.5) / 0.3, 2)) * exp(-pow(s / 0.6, 2))
        colour = colour.map { $0 * depth }
        // Upper teeth hang from the upper lip; lower teeth rise from the lower lip.
        let upperTeeth = 0.055 * pose.teeth * appearance.jaw
        let lowerTeeth = 0.035 * pose.teeth * appearance.jaw
        let gap = abs(sin((x - lips.centreX) / 0.055 * Double.pi)) // gaps between teeth
        let toothShade = 0.75 + 0.25 * min(1, gap * 3)
        if y - line.innerTop < upperTeeth, abs(s) < 0.8 {
            colour = appearance.teeth.map { $0 * toothShade * (1 - 0.35 * abs(s)) }
        } else if line.innerBottom - y < lowerTeeth, abs(s) < 0.7 {
            colour = appearance.teeth.map { $0 * toothShade * 0.85 * (1 - 0.35 * abs(s)) }
        }
        // Tongue: a rounded pink mass at the bottom, or the tip between the teeth.
        let tongueTop = line.innerBottom - height * 0.55 * pose.tongue
        if pose.tongue > 0.05, y > tongueTop, abs(s) < 0.65 * (1 - pow((line.innerBottom - y) / max(1e-4, line.innerBottom - tongueTop) - 1, 2) * 0.3) {
            let shade = 0.75 + 0.25 * (y - tongueTop) / max(1e-4, line.innerBottom - tongueTop)
            colour = [0.72 * shade, 0.36 * shade, 0.38 * shade]
        }
        return colour
    }

    /// Height of the face surface and its gradient at (x, y).
    private func surface(x: Double, y: Double, lips: LipGeometry) -> (Double, Double, Double) {
        // Rounded face: a shallow dome.
        var h = -0.35 * x * x - 0.2 * y * y
        var gx = -0.7 * x
        var gy = -0.4 * y
        // Nose: a bump above the frame's top edge, centred at (0, −1.05).
        let nx = x, ny = y + 1.05
        let nose = 0.5 * exp(-(nx * nx) / 0.06 - (ny * ny) / 0.05)
        h += nose
        gx += nose * (-2 * nx / 0.06)
        gy += nose * (-2 * ny / 0.05)
        // Philtrum ridges.
        let philtrum = (y < lips.centreY - 0.05 && y > -0.8) ? 1.0 : 0.0
        let ridge = 0.02 * philtrum * (exp(-pow((x - 0.07) / 0.03, 2)) + exp(-pow((x + 0.07) / 0.03, 2)))
        h += ridge
        gx += 0.02 * philtrum * (-2 * (x - 0.07) / 0.0009 * exp(-pow((x - 0.07) / 0.03, 2)) - 2 * (x + 0.07) / 0.0009 * exp(-pow((x + 0.07) / 0.03, 2)))
        // Lips bulge forward, more when rounded.
        let mx = (x - lips.centreX) / (lips.halfWidth * 1.15)
        let my = (y - lips.centreY - 0.02) / 0.2
        let bulge = (0.12 + 0.1 * lips.pose.round) * exp(-(mx * mx + my * my))
        h += bulge
        gx += bulge * (-2 * mx / (lips.halfWidth * 1.15))
        gy += bulge * (-2 * my / 0.2)
        // Chin crease below the lower lip, then the chin's bump.
        let creaseY = lips.centreY + lips.aperture * 0.6 + lips.lower + 0.14
        let cy = (y - creaseY) / 0.05
        let crease = -0.06 * exp(-cy * cy) * exp(-pow(x / 0.35, 2))
        h += crease
        gy += crease * (-2 * cy / 0.05)
        let chinY = (y - 0.95) / 0.3
        let chin = 0.15 * exp(-chinY * chinY - pow(x / 0.5, 2))
        h += chin
        gy += chin * (-2 * chinY / 0.3)
        gx += chin * (-2 * x / 0.25)
        return (h, gx * 0.8, gy * 0.8)
    }

    private func ellipse(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
        ((x / a) * (x / a) + (y / b) * (y / b)).squareRoot() - 1
    }

    /// 0 below −width/2, 1 above +width/2, smooth in between (anti-aliased edges).
    private func smooth(_ d: Double, _ width: Double) -> Double {
        let t = max(0, min(1, d / width + 0.5))
        return t * t * (3 - 2 * t)
    }

    private func mix(_ a: [Double], _ b: [Double], _ t: Double) -> [Double] {
        [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
    }

    /// Value noise with `octaves` octaves on a `cells`×`cells` lattice, values in about [−1, 1].
    static func valueNoise(size: Int, cells: Int, octaves: Int, seed: UInt64) -> [Float] {
        var result = [Float](repeating: 0, count: size * size)
        var random = SeededRandom(seed: seed)
        var amplitude: Float = 1
        var total: Float = 0
        var lattice = cells
        for _ in 0..<octaves {
            let grid = (0..<((lattice + 1) * (lattice + 1))).map { _ in Float(random.uniform(-1, 1)) }
            for row in 0..<size {
                let fy = Float(row) / Float(size) * Float(lattice)
                let y0 = min(lattice - 1, Int(fy)), ty = fy - Float(y0)
                let sy = ty * ty * (3 - 2 * ty)
                for column in 0..<size {
                    let fx = Float(column) / Float(size) * Float(lattice)
                    let x0 = min(lattice - 1, Int(fx)), tx = fx - Float(x0)
                    let sx = tx * tx * (3 - 2 * tx)
                    let a = grid[y0 * (lattice + 1) + x0], b = grid[y0 * (lattice + 1) + x0 + 1]
                    let c = grid[(y0 + 1) * (lattice + 1) + x0], d = grid[(y0 + 1) * (lattice + 1) + x0 + 1]
                    result[row * size + column] += amplitude * ((a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy)
                }
            }
            total += amplitude
            amplitude *= 0.5
            lattice *= 2
        }
        return result.map { $0 / total }
    }

    /// A 3×3 box blur (defocus).
    static func boxBlur(_ image: RGBImage) -> RGBImage {
        let w = image.width, h = image.height
        var out = image.pixels
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<3 {
                    var sum = 0, count = 0
                    for yy in max(0, y - 1)...min(h - 1, y + 1) {
                        for xx in max(0, x - 1)...min(w - 1, x + 1) {
                            sum += Int(image.pixels[(yy * w + xx) * 3 + c])
                            count += 1
                        }
                    }
                    out[(y * w + x) * 3 + c] = UInt8(sum / count)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}

extension MouthRenderer {
    /// Where the mouth is in the image at time `t`: centre and half-width in pixels
    /// (follows the head motion).
    public func mouthRegion(at t: Double) -> (x: Double, y: Double, halfWidth: Double) {
        let (dx, dy, scale, angle) = motionTransform(at: t)
        let fx = 0.0, fy = appearance.mouthHeight
        let ix = scale * (cos(angle) * fx - sin(angle) * fy) + dx
        let iy = scale * (sin(angle) * fx + cos(angle) * fy) + dy
        let n = Double(size)
        return ((ix + 1) / 2 * n, (iy + 1) / 2 * n, 0.56 * appearance.mouthWidth * scale / 2 * n)
    }

    func motionTransform(at t: Double) -> (dx: Double, dy: Double, scale: Double, angle: Double) {
        motion.transform(at: t)
    }
}
