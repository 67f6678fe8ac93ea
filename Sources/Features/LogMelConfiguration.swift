import Media

/// The parameters of ``LogMelSpectrogram``.
///
/// The defaults reproduce
/// `log(librosa.feature.melspectrogram(y, sr=16000, n_fft=512, hop_length=160, win_length=400,
/// window="hann", center=True, pad_mode="constant", power=2.0, n_mels=80, fmin=0, fmax=8000,
/// htk=False, norm="slaney") + 1e-6)`.
/// The window is always librosa's periodic Hann, the mel scale and filter normalisation always
/// Slaney's, the framing always centred with zero padding, the spectrum always power (|X|²).
public struct LogMelConfiguration: Sendable, Hashable {
    /// Samples per second of the input signal (16 000, ``TimeConventions/audioSampleRate``).
    public var sampleRate: Int
    /// FFT length `n_fft` (512). Must be even.
    public var fftSize: Int
    /// Hop between frames in samples (160 = 10 ms, ``TimeConventions/melHop``).
    public var hopLength: Int
    /// Hann window length (400 = 25 ms), zero-padded centred into `fftSize`.
    public var windowLength: Int
    /// Mel bands (80).
    public var melBins: Int
    /// Lowest filter edge in Hz (0).
    public var minimumFrequency: Double
    /// Highest filter edge in Hz (8000); at most `sampleRate / 2`.
    public var maximumFrequency: Double
    /// Added before the natural logarithm: `log(mel + logOffset)` (1e-6).
    public var logOffset: Float
    /// Frames transformed per FFTW execution (1). With 1, every frame goes through the same
    /// single-transform plan, so a frame range equals the whole signal's frames bit for bit by
    /// construction. Larger batches use FFTW's batched plan; results then agree to about 1e-6
    /// (log scale) and were bit-identical in the tests here, but FFTW does not promise that
    /// every position in a batch is computed identically. Measured on 60 s of audio, batching
    /// gave no speed-up: the FFT is a small share of the time (framing, filterbank and log
    /// dominate).
    public var batchSize: Int
    /// FFTW planner effort (``FFTPlanning/estimate``). `.estimate` plans instantly; `.measure`
    /// costs about 70 ms on first use and was no faster for this transform size. Note that FFTW
    /// reuses wisdom from any earlier `.measure` plan of the same shape in the process, so the
    /// algorithm, and with it the last bits of the result, can depend on what was planned before.
    public var planning: FFTPlanning

    /// Makes a configuration; every default matches the librosa call above.
    public init(
        sampleRate: Int = TimeConventions.audioSampleRate,
        fftSize: Int = 512,
        hopLength: Int = TimeConventions.melHop,
        windowLength: Int = 400,
        melBins: Int = 80,
        minimumFrequency: Double = 0,
        maximumFrequency: Double = 8000,
        logOffset: Float = 1e-6,
        batchSize: Int = 1,
        planning: FFTPlanning = .estimate
    ) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.windowLength = windowLength
        self.melBins = melBins
        self.minimumFrequency = minimumFrequency
        self.maximumFrequency = maximumFrequency
        self.logOffset = logOffset
        self.batchSize = batchSize
        self.planning = planning
    }

    /// Frequency bins of one power spectrum: `fftSize / 2 + 1` (257).
    public var fftBins: Int { fftSize / 2 + 1 }

    /// Frames of a signal of `sampleCount` samples: `1 + sampleCount / hopLength` (centred framing).
    /// - Parameter sampleCount: signal length N (≥ 1 for a usable signal).
    /// - Returns: T_a.
    public func frameCount(forSampleCount sampleCount: Int) -> Int {
        1 + sampleCount / hopLength
    }

    /// Checks that the values describe a computable spectrogram.
    /// - Throws: ``LogMelError/invalidConfiguration(_:)`` naming the first bad value.
    public func validate() throws {
        func fail(_ reason: String) -> LogMelError { .invalidConfiguration(reason) }
        guard sampleRate > 0 else { throw fail("sampleRate \(sampleRate) must be positive") }
        guard fftSize > 0, fftSize.isMultiple(of: 2) else { throw fail("fftSize \(fftSize) must be positive and even") }
        guard hopLength > 0 else { throw fail("hopLength \(hopLength) must be positive") }
        guard windowLength > 0, windowLength <= fftSize else {
            throw fail("windowLength \(windowLength) must be in 1...fftSize (\(fftSize))")
        }
        guard melBins > 0 else { throw fail("melBins \(melBins) must be positive") }
        guard minimumFrequency >= 0, minimumFrequency < maximumFrequency,
              maximumFrequency <= Double(sampleRate) / 2
        else {
            throw fail("need 0 ≤ minimumFrequency (\(minimumFrequency)) < maximumFrequency (\(maximumFrequency)) ≤ sampleRate/2")
        }
        guard logOffset > 0 else { throw fail("logOffset \(logOffset) must be positive") }
        guard batchSize > 0 else { throw fail("batchSize \(batchSize) must be positive") }
    }
}
