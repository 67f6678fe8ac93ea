import Foundation
import Media

/// Evidence that does not depend on training: how well a mouth-opening measure from the crops follows
/// the audio envelope, over shifts (DESIGN §2, issue 7).
///
/// - **Mouth opening** `(T,)`: per crop, the fraction of pixels in the central region (the middle half
///   of the rows and of the columns) whose luminance `Y = 0.299R + 0.587G + 0.114B` is below
///   `darkRatio` (0.6) × the whole crop's median luminance. An open mouth shows a dark cavity.
/// - **Audio envelope** `(T,)`: 16 kHz mono samples band-passed to the voiced band (80–1000 Hz,
///   two RBJ biquads), then per video frame (640 samples, TimeConventions) `log(RMS + 1e-5)`.
/// - **Correlation** over shifts `s` in `−maxShift…maxShift`: Pearson correlation of `mouth[t]` with
///   `envelope[t − s]` over the overlap. The best shift maximises it and follows ``OffsetConvention``
///   (positive = audio leads video), exactly as ``OffsetSearch`` does.
public enum ModelFreeCue {
    /// The correlation search.
    public struct Result: Sendable, Hashable, Codable {
        /// Shift with the largest correlation (positive = audio leads video) and its value in ms.
        public var bestShiftFrames: Int
        public var bestShiftMilliseconds: Double
        /// Pearson correlation at the best shift (−1…1; 0 when a series is constant).
        public var correlation: Float
        /// Scored shifts ascending and their correlations `(S,)`.
        public var shifts: [Int]
        public var correlations: [Float]
        public var offsetConvention: String = OffsetConvention.text

        enum CodingKeys: String, CodingKey {
            case bestShiftFrames = "best_shift_frames", bestShiftMilliseconds = "best_shift_ms", correlation
            case shifts, correlations, offsetConvention = "offset_convention"
        }
    }

    /// Mouth opening of one crop, 0…1 (0 for an empty image).
    public static func mouthOpening(_ image: RGBImage, darkRatio: Float = 0.6) -> Float {
        let w = image.width, h = image.height
        guard w > 0, h > 0 else { return 0 }
        var luma = [Float](repeating: 0, count: w * h)
        for p in 0..<(w * h) {
            luma[p] = 0.299 * Float(image.pixels[3 * p]) + 0.587 * Float(image.pixels[3 * p + 1]) + 0.114 * Float(image.pixels[3 * p + 2])
        }
        let median = Median.of(luma)
        let cut = darkRatio * median
        let rows = (h / 4)..<max(h / 4 + 1, h - h / 4), cols = (w / 4)..<max(w / 4 + 1, w - w / 4)
        var dark = 0
        for y in rows { for x in cols where luma[y * w + x] < cut { dark += 1 } }
        return Float(dark) / Float(rows.count * cols.count)
    }

    /// Per-video-frame log RMS of the 80–1000 Hz band, `(T,)` with `T = ceil(samples / 640)`.
    public static func audioEnvelope(samples: [Float], sampleRate: Double = Double(TimeConventions.audioSampleRate)) -> [Float] {
        guard !samples.isEmpty else { return [] }
        var x = Biquad.highPass(cutoff: 80, sampleRate: sampleRate).run(samples)
        x = Biquad.lowPass(cutoff: 1000, sampleRate: sampleRate).run(x)
        let hop = Int((sampleRate / Double(TimeConventions.videoFPS)).rounded())
        return stride(from: 0, to: x.count, by: hop).map { start in
            let chunk = x[start..<min(start + hop, x.count)]
            let power = chunk.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(chunk.count)
            return Float(log(power.squareRoot() + 1e-5))
        }
    }

    /// Correlation of `mouth` `(T,)` with `envelope` `(T',)` over shifts (only `min(T, T')` frames are used).
    /// - Throws: ``ForensicsError/invalidParameter(_:)`` when no shift has at least 3 overlapping frames.
    public static func correlate(mouth: [Float], envelope: [Float], maxShift: Int = 15) throws -> Result {
        let t = min(mouth.count, envelope.count)
        var shifts: [Int] = [], values: [Float] = []
        for s in -max(0, maxShift)...max(0, maxShift) {
            let lo = max(0, s), hi = min(t, t + s)
            guard hi - lo >= 3 else { continue }
            shifts.append(s)
            values.append(pearson((lo..<hi).map { mouth[$0] }, (lo..<hi).map { envelope[$0 - s] }))
        }
        guard !values.isEmpty else {
            throw ForensicsError.invalidParameter("model-free cue needs at least 3 overlapping frames (T = \(t))")
        }
        var best = 0
        for i in values.indices where values[i] > values[best] || (values[i] == values[best] && abs(shifts[i]) < abs(shifts[best])) {
            best = i
        }
        return Result(bestShiftFrames: shifts[best], bestShiftMilliseconds: OffsetConvention.milliseconds(frames: shifts[best]),
                      correlation: values[best], shifts: shifts, correlations: values)
    }

    /// Pearson correlation; 0 when either series is constant.
    static func pearson(_ a: [Float], _ b: [Float]) -> Float {
        let n = Double(a.count)
        let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = Double(a[i]) - ma, db = Double(b[i]) - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        guard saa > 1e-12, sbb > 1e-12 else { return 0 }
        return Float(sab / (saa * sbb).squareRoot())
    }
}

/// A second-order IIR section (RBJ audio-EQ cookbook), Butterworth Q.
struct Biquad {
    var b0, b1, b2, a1, a2: Double

    static func lowPass(cutoff: Double, sampleRate: Double, q: Double = 0.7071) -> Biquad {
        let w = 2 * Double.pi * cutoff / sampleRate, alpha = sin(w) / (2 * q), c = cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    static func highPass(cutoff: Double, sampleRate: Double, q: Double = 0.7071) -> Biquad {
        let w = 2 * Double.pi * cutoff / sampleRate, alpha = sin(w) / (2 * q), c = cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    func run(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
        for i in x.indices {
            let xi = Double(x[i])
            let yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            x2 = x1; x1 = xi; y2 = y1; y1 = yi
            y[i] = Float(yi)
        }
        return y
    }
}
