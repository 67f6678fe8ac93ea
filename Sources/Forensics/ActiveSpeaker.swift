/// Which tracked face is speaking: the one whose mouth motion best follows the audio.
///
/// Score of a face = the largest Pearson correlation between its mouth-motion samples and the
/// voiced-band audio envelope (``ModelFreeCue/audioEnvelope(samples:sampleRate:)``) over shifts of
/// ±`maxShift` frames (a mouth moves with its sound, give or take a couple of frames), on the frames where both exist (at least `minimumFrames`, else no score).
public enum ActiveSpeaker {
    /// - Parameters:
    ///   - motion: `(n)` mouth motion from timeline frame `firstFrame` on, NaN where not sampled.
    ///   - envelope: `(T)` per timeline frame from frame 0.
    public static func score(motion: [Float], firstFrame: Int, envelope: [Float], maxShift: Int = 2,
                             minimumFrames: Int = 25) -> Float? {
        var best: Float?
        for shift in -maxShift...maxShift {
            var xs: [Double] = [], ys: [Double] = []
            for (i, value) in motion.enumerated() where !value.isNaN {
                let e = firstFrame + i - shift
                guard e >= 0, e < envelope.count, envelope[e].isFinite else { continue }
                xs.append(Double(value))
                ys.append(Double(envelope[e]))
            }
            guard xs.count >= minimumFrames else { continue }
            let r = Float(pearson(xs, ys))
            if best == nil || r > best! { best = r }
        }
        return best
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}
