import Foundation
import Media

/// Voice-activity detection on the log-mel, one decision per 25 fps video frame.
///
/// Method, per video frame `t` (mel frames `4t … 4t+3`):
/// 1. band powers: mel power `exp(logMel) − logOffset` of the bands centred in
///    ``VoiceActivityConfiguration/speechBand``, averaged over the 4 mel frames;
/// 2. level `L[t] = 10·log10(mean band power)` and flatness `F[t]` = geometric ÷ arithmetic
///    mean of the band powers;
/// 3. adaptive noise floor: the clip's `noiseFloorPercentile` of `L`; reference
///    `R = max(floor, absoluteFloorDB)`;
/// 4. score `s[t] = σ((L − R − marginDB) / levelSoftnessDB) · σ((maximumFlatness − F) / flatnessSoftness)`;
/// 5. raw speech `s ≥ threshold`; fill pauses ≤ `maximumGapFrames`; drop runs shorter than
///    `minimumSpeechFrames`; extend each run by `hangoverFrames`.
///
/// Stationary noise sits at its own floor and so never clears the margin; digital silence is
/// below the absolute floor; white-ish noise bursts are also held back by the flatness cue.
/// The floor assumes at least `noiseFloorPercentile` % of the clip is without speech; a clip
/// that is speech throughout has its quietest speech treated as floor.
///
/// Thread safety: an immutable value; share freely.
public struct VoiceActivityDetector: Sendable {
    /// Thresholds and smoothing.
    public let configuration: VoiceActivityConfiguration
    /// The spectrogram whose log-mel this detector reads (and computes from samples).
    public let spectrogram: LogMelSpectrogram
    /// Mel bands inside the speech band.
    private let bandBins: Range<Int>

    /// Makes a detector for log-mels of `spectrogram`'s configuration.
    /// - Parameters:
    ///   - configuration: thresholds (defaults documented on ``VoiceActivityConfiguration``).
    ///   - spectrogram: the log-mel front end; its rate and hop must be the shared time
    ///     conventions (16 kHz, 160) so that 4 mel frames make a video frame.
    /// - Throws: ``VoiceActivityError``.
    public init(configuration: VoiceActivityConfiguration = VoiceActivityConfiguration(),
                spectrogram: LogMelSpectrogram) throws {
        try configuration.validate()
        let mel = spectrogram.configuration
        guard mel.sampleRate == TimeConventions.audioSampleRate, mel.hopLength == TimeConventions.melHop else {
            throw VoiceActivityError.invalidConfiguration(
                "the log-mel must use \(TimeConventions.audioSampleRate) Hz and hop \(TimeConventions.melHop)")
        }
        let inside = (0..<mel.melBins).filter {
            configuration.speechBand.contains(spectrogram.filterbank.centreFrequency(ofBand: $0))
        }
        guard let first = inside.first, let last = inside.last else {
            throw VoiceActivityError.emptySpeechBand(configuration.speechBand)
        }
        self.configuration = configuration
        self.spectrogram = spectrogram
        bandBins = first..<(last + 1)
    }

    /// Makes a detector with its own default ``LogMelSpectrogram``.
    /// - Parameter configuration: thresholds.
    /// - Throws: ``VoiceActivityError``, or a ``LogMelError`` from planning the FFT.
    public init(configuration: VoiceActivityConfiguration = VoiceActivityConfiguration()) throws {
        try self.init(configuration: configuration, spectrogram: LogMelSpectrogram())
    }

    /// Detects speech in audio samples.
    /// - Parameters:
    ///   - samples: `(N,)` mono 16 kHz samples of the whole clip, N ≥ 1.
    ///   - videoFrameCount: T; default `T_a / 4` (floor), i.e. `N / 640` for whole video frames.
    /// - Returns: `(T,)` decisions and cues from video frame 0.
    /// - Throws: ``LogMelError/emptySignal`` for no samples.
    public func callAsFunction(_ samples: [Float], videoFrameCount: Int? = nil) throws -> VoiceActivity {
        try callAsFunction(spectrogram(samples), videoFrameCount: videoFrameCount)
    }

    /// Detects speech in a log-mel made with ``spectrogram``'s configuration.
    ///
    /// The noise floor is estimated from the frames given, so pass the whole clip's log-mel
    /// rather than one model window.
    /// - Parameters:
    ///   - logMel: `(melBins, T_a)`; `firstFrame` must be a multiple of 4.
    ///   - videoFrameCount: T; default `frames / 4` (floor). Frames whose mel frames are
    ///     missing read as silence.
    /// - Returns: `(T,)` decisions and cues, from video frame `firstFrame / 4`.
    /// - Throws: ``VoiceActivityError/melBinsMismatch(expected:actual:)``,
    ///   ``VoiceActivityError/notVideoAligned(firstFrame:)``.
    public func callAsFunction(_ logMel: LogMel, videoFrameCount: Int? = nil) throws -> VoiceActivity {
        let perVideoFrame = TimeConventions.melFramesPerVideoFrame
        let melBins = spectrogram.configuration.melBins
        guard logMel.bins == melBins else {
            throw VoiceActivityError.melBinsMismatch(expected: melBins, actual: logMel.bins)
        }
        guard logMel.firstFrame.isMultiple(of: perVideoFrame) else {
            throw VoiceActivityError.notVideoAligned(firstFrame: logMel.firstFrame)
        }
        let count = max(0, videoFrameCount ?? logMel.frames / perVideoFrame)
        let (level, flatness) = cues(logMel, videoFrames: count)  // (T,), (T,)

        let floor = Self.percentile(level, configuration.noiseFloorPercentile) ?? configuration.absoluteFloorDB
        let reference = max(floor, configuration.absoluteFloorDB)
        let c = configuration
        let score = zip(level, flatness).map { l, f in
            Self.logistic((l - reference - c.marginDB) / c.levelSoftnessDB)
                * Self.logistic((c.maximumFlatness - f) / c.flatnessSoftness)
        }
        let raw = score.map { $0 >= c.threshold }
        let smoothed = Self.smooth(
            raw, maximumGap: c.maximumGapFrames, minimumRun: c.minimumSpeechFrames, hangover: c.hangoverFrames)
        return VoiceActivity(
            firstVideoFrame: logMel.firstFrame / perVideoFrame, isSpeech: smoothed, score: score,
            levelDB: level, flatness: flatness, noiseFloorDB: floor)
    }

    /// Speech-band level (dB) and flatness of each video frame.
    /// - Returns: `level (T,)`, `flatness (T,)`.
    private func cues(_ logMel: LogMel, videoFrames count: Int) -> ([Float], [Float]) {
        let perVideoFrame = TimeConventions.melFramesPerVideoFrame
        let offset = spectrogram.configuration.logOffset
        let tiny: Float = 1e-10
        var level = [Float](repeating: 10 * Foundation.log10(tiny), count: count)
        var flatness = [Float](repeating: 1, count: count)
        var bandPower = [Float](repeating: 0, count: bandBins.count)
        for t in 0..<count {
            let first = t * perVideoFrame
            let last = min(first + perVideoFrame, logMel.frames)
            guard first < last else { continue }
            for (j, b) in bandBins.enumerated() {
                var sum: Float = 0
                for k in first..<last { sum += max(Foundation.exp(logMel[b, k]) - offset, 0) }
                bandPower[j] = sum / Float(last - first)
            }
            let mean = bandPower.reduce(0, +) / Float(bandPower.count)
            let meanLog = bandPower.reduce(0) { $0 + Foundation.log($1 + tiny) } / Float(bandPower.count)
            level[t] = 10 * Foundation.log10(mean + tiny)
            flatness[t] = min(1, Foundation.exp(meanLog) / (mean + tiny))
        }
        return (level, flatness)
    }

    /// Gap filling, minimum duration and hangover, in that order.
    /// - Parameters:
    ///   - raw: `(T,)` frame decisions.
    ///   - maximumGap: `false` runs of at most this length between two `true` runs become `true`.
    ///   - minimumRun: `true` runs shorter than this become `false`.
    ///   - hangover: each remaining `true` run is extended by this many frames.
    /// - Returns: `(T,)` smoothed decisions.
    static func smooth(_ raw: [Bool], maximumGap: Int, minimumRun: Int, hangover: Int) -> [Bool] {
        var mask = raw
        let runs = VoiceActivity.runs(of: mask)
        for (a, b) in zip(runs, runs.dropFirst()) where b.lowerBound - a.upperBound <= maximumGap {
            for i in a.upperBound..<b.lowerBound { mask[i] = true }
        }
        for run in VoiceActivity.runs(of: mask) where run.count < minimumRun {
            for i in run { mask[i] = false }
        }
        for run in VoiceActivity.runs(of: mask) {
            for i in run.upperBound..<min(run.upperBound + hangover, mask.count) { mask[i] = true }
        }
        return mask
    }

    /// The `p`-th percentile with linear interpolation (NumPy's default), or nil for no values.
    static func percentile(_ values: [Float], _ p: Double) -> Float? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = p / 100 * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = Float(position - Double(below))
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }

    private static func logistic(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
}
