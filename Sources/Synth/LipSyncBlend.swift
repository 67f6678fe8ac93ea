import Foundation
import Media

/// How a lip-sync generator's mouth is pasted into the original frames: a
/// feathered elliptical mask around the mouth, the generated mouth blurred or
/// reduced in resolution, its colour slightly off, and the blend's strength
/// flickering from frame to frame.
struct LipSyncBlend {
    var feather: Double         // mask edge width, pixels (small = visible seam)
    var radiusScale: Double     // mask size relative to the mouth
    var downscale: Int          // 1 = none, 2 or 3 = resolution loss inside the mask
    var blurPasses: Int
    var gain: [Double]          // per-channel colour mismatch
    var alphaFlicker: Double    // frame-to-frame variation of the blend

    static func random(using random: inout SeededRandom) -> LipSyncBlend {
        LipSyncBlend(
            feather: random.uniform(1.5, 10), radiusScale: random.uniform(1.15, 1.6),
            downscale: random.pick([1, 2, 2, 3]), blurPasses: random.integer(0...2),
            gain: (0..<3).map { _ in 1 + random.uniform(-0.07, 0.07) },
            alphaFlicker: random.uniform(0, 0.12))
    }

    func composite(original: RGBImage, generated: RGBImage, renderer: MouthRenderer, at t: Double, frame: Int,
                   using random: inout SeededRandom) -> RGBImage {
        var source = generated
        if downscale > 1 { source = Self.reduceResolution(source, factor: downscale) }
        for _ in 0..<blurPasses { source = MouthRenderer.boxBlur(source) }
        let region = renderer.mouthRegion(at: t)
        let rx = region.halfWidth * radiusScale
        let ry = rx * 0.75
        let alpha = 1 - alphaFlicker * random.uniform(0, 1)
        var out = original
        for y in 0..<original.height {
            for x in 0..<original.width {
                let ex = (Double(x) + 0.5 - region.x) / rx
                let ey = (Double(y) + 0.5 - region.y) / ry
                let distance = ((ex * ex + ey * ey).squareRoot() - 1) * min(rx, ry)  // pixels outside the ellipse
                let weight = alpha * max(0, min(1, 0.5 - distance / feather))
                guard weight > 0 else { continue }
                let i = (y * original.width + x) * 3
                for c in 0..<3 {
                    let pasted = min(255, Double(source.pixels[i + c]) * gain[c])
                    let value = Double(original.pixels[i + c]) * (1 - weight) + pasted * weight
                    out.pixels[i + c] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
        return out
    }

    /// Averages `factor`×`factor` blocks and repeats them: lost detail.
    static func reduceResolution(_ image: RGBImage, factor: Int) -> RGBImage {
        var out = image
        for by in stride(from: 0, to: image.height, by: factor) {
            for bx in stride(from: 0, to: image.width, by: factor) {
                for c in 0..<3 {
                    var sum = 0, count = 0
                    for y in by..<min(image.height, by + factor) { for x in bx..<min(image.width, bx + factor) {
                        sum += Int(image.pixels[(y * image.width + x) * 3 + c]); count += 1
                    } }
                    let mean = UInt8(sum / count)
                    for y in by..<min(image.height, by + factor) { for x in bx..<min(image.width, bx + factor) {
                        out.pixels[(y * image.width + x) * 3 + c] = mean
                    } }
                }
            }
        }
        return out
    }
}

/// Artifact-only tampering of the mouth region: a local warp that wobbles from
/// frame to frame and a brightness flicker.
struct FrameTampering {
    var warpAmplitude: Double   // pixels
    var warpWavelength: Double  // pixels
    var flickerAmplitude: Double

    static func random(using random: inout SeededRandom) -> FrameTampering {
        FrameTampering(warpAmplitude: random.uniform(0.8, 3), warpWavelength: random.uniform(10, 30),
                       flickerAmplitude: random.uniform(0.04, 0.15))
    }

    func apply(to image: RGBImage, renderer: MouthRenderer, at t: Double, frame: Int) -> RGBImage {
        let region = renderer.mouthRegion(at: t)
        let radius = region.halfWidth * 1.5
        let phase = Double(frame) * 2.1
        let gain = 1 + flickerAmplitude * (frame % 2 == 0 ? 1 : -1)
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                let ex = (Double(x) + 0.5 - region.x) / radius
                let ey = (Double(y) + 0.5 - region.y) / (radius * 0.8)
                let r2 = ex * ex + ey * ey
                guard r2 < 1 else { continue }
                let weight = (1 - r2) * (1 - r2)
                let sx = Double(x) + weight * warpAmplitude * sin(2 * Double.pi * Double(y) / warpWavelength + phase)
                let sy = Double(y) + weight * warpAmplitude * cos(2 * Double.pi * Double(x) / warpWavelength + phase)
                let sample = Self.bilinear(image, sx, sy)
                let i = (y * image.width + x) * 3
                let g = 1 + (gain - 1) * weight
                for c in 0..<3 { out.pixels[i + c] = UInt8(max(0, min(255, (sample[c] * g).rounded()))) }
            }
        }
        return out
    }

    static func bilinear(_ image: RGBImage, _ x: Double, _ y: Double) -> [Double] {
        let fx = max(0, min(Double(image.width - 1), x)), fy = max(0, min(Double(image.height - 1), y))
        let x0 = Int(fx), y0 = Int(fy)
        let x1 = min(image.width - 1, x0 + 1), y1 = min(image.height - 1, y0 + 1)
        let tx = fx - Double(x0), ty = fy - Double(y0)
        return (0..<3).map { c in
            let a = Double(image.pixels[(y0 * image.width + x0) * 3 + c]), b = Double(image.pixels[(y0 * image.width + x1) * 3 + c])
            let d = Double(image.pixels[(y1 * image.width + x0) * 3 + c]), e = Double(image.pixels[(y1 * image.width + x1) * 3 + c])
            return (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty
        }
    }
}
