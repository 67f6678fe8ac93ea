/// Thresholds and smoothing of ``VoiceActivityDetector``.
///
/// Levels are in dB of the mean mel power (librosa scale, see ``LogMelSpectrogram``) over the
/// speech band, averaged over the 4 mel frames of a video frame. On that scale a full-scale
/// 1 kHz sine reads about +10 dB, white noise of RMS `r` about `20·log10(r) + 7` dB, and the
/// speech fixture's loudest frames about −1 dB.
public struct VoiceActivityConfiguration: Sendable, Hashable {
    /// Mel bands whose centre frequency lies in this range carry the level and flatness cues
    /// (300–4000 Hz: voiced speech energy, below most hum and above most hiss).
    public var speechBand: ClosedRange<Double>
    /// The noise floor is this percentile (0–100) of the clip's frame levels (10): it assumes
    /// at least that share of the clip is free of speech.
    public var noiseFloorPercentile: Double
    /// Levels below this are never speech, whatever the floor (−65 dB ≈ white noise at −72 dBFS
    /// RMS); it is what makes digital silence and near-silence report no speech.
    public var absoluteFloorDB: Float
    /// A frame must be this far above the reference level (the larger of the noise floor and
    /// `absoluteFloorDB`) to count as loud (6 dB).
    public var marginDB: Float
    /// Width of the logistic ramp of the level cue, in dB (1.5).
    public var levelSoftnessDB: Float
    /// Spectral flatness (geometric ÷ arithmetic mean of band powers, 0–1) above which a frame
    /// sounds like noise rather than voice (0.8; white noise reads about 0.9, voiced speech 0–0.5).
    public var maximumFlatness: Float
    /// Width of the logistic ramp of the flatness cue (0.05).
    public var flatnessSoftness: Float
    /// A frame is raw speech when its score reaches this (0.5).
    public var threshold: Float
    /// Pauses of at most this many video frames between speech runs are filled (3 = 120 ms).
    public var maximumGapFrames: Int
    /// Speech runs shorter than this many video frames, after gap filling, are dropped (3 = 120 ms).
    public var minimumSpeechFrames: Int
    /// Each speech run is extended by this many video frames after it ends (2 = 80 ms).
    public var hangoverFrames: Int

    /// Makes a configuration; the defaults are the documented values.
    public init(
        speechBand: ClosedRange<Double> = 300...4000,
        noiseFloorPercentile: Double = 10,
        absoluteFloorDB: Float = -65,
        marginDB: Float = 6,
        levelSoftnessDB: Float = 1.5,
        maximumFlatness: Float = 0.8,
        flatnessSoftness: Float = 0.05,
        threshold: Float = 0.5,
        maximumGapFrames: Int = 3,
        minimumSpeechFrames: Int = 3,
        hangoverFrames: Int = 2
    ) {
        self.speechBand = speechBand
        self.noiseFloorPercentile = noiseFloorPercentile
        self.absoluteFloorDB = absoluteFloorDB
        self.marginDB = marginDB
        self.levelSoftnessDB = levelSoftnessDB
        self.maximumFlatness = maximumFlatness
        self.flatnessSoftness = flatnessSoftness
        self.threshold = threshold
        self.maximumGapFrames = maximumGapFrames
        self.minimumSpeechFrames = minimumSpeechFrames
        self.hangoverFrames = hangoverFrames
    }

    /// Checks that the values are usable.
    /// - Throws: ``VoiceActivityError/invalidConfiguration(_:)`` naming the first bad value.
    public func validate() throws {
        func fail(_ reason: String) -> VoiceActivityError { .invalidConfiguration(reason) }
        guard speechBand.lowerBound >= 0, speechBand.lowerBound < speechBand.upperBound else {
            throw fail("speechBand \(speechBand) must be a nonempty range of nonnegative Hz")
        }
        guard (0...100).contains(noiseFloorPercentile) else {
            throw fail("noiseFloorPercentile \(noiseFloorPercentile) must be in 0...100")
        }
        guard levelSoftnessDB > 0, flatnessSoftness > 0 else { throw fail("softness values must be positive") }
        guard (0...1).contains(threshold) else { throw fail("threshold \(threshold) must be in 0...1") }
        guard maximumGapFrames >= 0, minimumSpeechFrames >= 0, hangoverFrames >= 0 else {
            throw fail("frame counts must be nonnegative")
        }
    }
}
