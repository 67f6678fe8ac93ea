import Foundation
import Media
import Forensics
import Synth

/// Model-free measures used to check that labels are true.
enum SyncCheck {
    /// Per frame: the model-free cue's mouth opening (dark-pixel fraction around the centre).
    static func mouthOpening(_ frames: [RGBImage]) -> [Double] {
        frames.map { Double(ModelFreeCue.mouthOpening($0)) }
    }

    /// Per frame: the model-free cue's voiced-band (80–1000 Hz) log-RMS envelope.
    static func envelope(_ audio: [Float], frames: Int) -> [Double] {
        ModelFreeCue.audioEnvelope(samples: audio).prefix(frames).map(Double.init)
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
