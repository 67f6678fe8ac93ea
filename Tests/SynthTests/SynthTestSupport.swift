import Foundation
import Media
import Synth

/// Model-free measures used to check that labels are true.
enum SyncCheck {
    /// Per frame: the fraction of dark pixels around the image centre (the open mouth is dark).
    static func mouthOpening(_ frames: [RGBImage]) -> [Double] {
        frames.map { image in
            var luminance: [Int] = []
            for y in 0..<image.height { for x in 0..<image.width {
                let p = image[x, y]
                luminance.append(Int(p.r) * 3 + Int(p.g) * 6 + Int(p.b))
            } }
            let median = luminance.sorted()[luminance.count / 2]
            var dark = 0, total = 0
            for y in (image.height / 4)..<(image.height * 7 / 8) { for x in (image.width / 4)..<(image.width * 3 / 4) {
                if luminance[y * image.width + x] * 2 < median { dark += 1 }
                total += 1
            } }
            return Double(dark) / Double(total)
        }
    }

    /// Per frame: log RMS of the voiced band (below about 1 kHz, where the jaw's opening
    /// shows; hiss of closed-teeth consonants is left out) of the 640 samples under it.
    static func envelope(_ audio: [Float], frames: Int) -> [Double] {
        var low = [Double](repeating: 0, count: audio.count)
        var state = 0.0
        let alpha = 1 - exp(-2 * Double.pi * 1000 / 16_000)
        for i in audio.indices {
            state += alpha * (Double(audio[i]) - state)
            low[i] = state
        }
        return (0..<frames).map { t in
            let slice = low[(t * 640)..<min(low.count, (t + 1) * 640)]
            return log(1e-4 + (slice.reduce(0.0) { $0 + $1 * $1 } / Double(max(1, slice.count))).squareRoot())
        }
    }

    /// Pearson correlation of `a[t]` with `b[t + shift]` over the overlap.
    static func correlation(_ a: [Double], _ b: [Double], shift: Int) -> Double {
        var xs: [Double] = [], ys: [Double] = []
        for t in 0..<a.count where t + shift >= 0 && t + shift < b.count {
            xs.append(a[t])
            ys.append(b[t + shift])
        }
        guard xs.count > 10 else { return -1 }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in xs.indices {
            sxy += (xs[i] - mx) * (ys[i] - my)
            sxx += (xs[i] - mx) * (xs[i] - mx)
            syy += (ys[i] - my) * (ys[i] - my)
        }
        return sxy / max(1e-12, (sxx * syy).squareRoot())
    }

    /// The shift in −maxShift…maxShift where the mouth track best follows the envelope.
    static func bestShift(mouth: [Double], envelope: [Double], maxShift: Int = 18) -> Int {
        (-maxShift...maxShift).max { correlation(mouth, envelope, shift: $0) < correlation(mouth, envelope, shift: $1) }!
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
