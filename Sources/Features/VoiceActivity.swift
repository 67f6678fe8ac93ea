/// Where a clip has speech, one decision per 25 fps video frame.
///
/// Video frame `t` (`firstVideoFrame + i` for index `i`) pairs with mel frames `4t … 4t+3`.
/// Every array is `(T,)`.
public struct VoiceActivity: Sendable, Hashable {
    /// Video frame number of index 0.
    public let firstVideoFrame: Int
    /// The smoothed decision: speech or not, `(T,)`.
    public let isSpeech: [Bool]
    /// Per-frame speech score in 0…1 before smoothing, `(T,)`: level cue × flatness cue.
    public let score: [Float]
    /// Mean mel power over the speech band, dB, `(T,)`.
    public let levelDB: [Float]
    /// Spectral flatness over the speech band, 0…1, `(T,)` (1 = white noise or silence).
    public let flatness: [Float]
    /// The clip's noise floor: the configured percentile of `levelDB`.
    public let noiseFloorDB: Float

    /// Video frames covered, T.
    public var frameCount: Int { isSpeech.count }

    /// Share of frames flagged as speech (0 for an empty result).
    public var speechFraction: Double {
        isSpeech.isEmpty ? 0 : Double(isSpeech.lazy.filter { $0 }.count) / Double(isSpeech.count)
    }

    /// The speech runs as video frame numbers, in order.
    public var speechRuns: [Range<Int>] {
        Self.runs(of: isSpeech).map { (firstVideoFrame + $0.lowerBound)..<(firstVideoFrame + $0.upperBound) }
    }

    /// Index ranges of the `true` runs of a mask.
    static func runs(of mask: [Bool]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (i, on) in mask.enumerated() {
            if on, start == nil { start = i }
            if !on, let s = start {
                runs.append(s..<i)
                start = nil
            }
        }
        if let s = start { runs.append(s..<mask.count) }
        return runs
    }
}
