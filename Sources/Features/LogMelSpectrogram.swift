import Foundation
import Media

/// Log-mel spectrogram, exactly as librosa computes it (see ``LogMelConfiguration``):
///
/// 1. centred framing: frame `k` holds samples `k·hop − n_fft/2 ..< k·hop + n_fft/2` of the
///    signal, with zeros outside `0..<N` (`center=True, pad_mode="constant"`);
///    `T_a = 1 + N / hop` frames;
/// 2. times the periodic Hann window of `windowLength`, centred in `n_fft`;
/// 3. FFTW single-precision real FFT (optionally batched), power `|X[f]|²`, `f = 0 ... n_fft/2`;
/// 4. Slaney mel filterbank (``MelFilterbank``), then `log(mel + logOffset)`.
///
/// Shapes: samples `(N,)` mono Float at `sampleRate` → ``LogMel`` `(melBins, T_a)` =
/// `(80, 1 + N/160)` by default.
///
/// Thread safety: immutable after `init`; every call allocates its own FFTW work arrays and
/// executes the shared plan with FFTW's thread-safe new-array execute, so one instance may be
/// used from any number of tasks at once. Making and freeing plans is serialised by a lock.
public final class LogMelSpectrogram: Sendable {
    /// The parameters this instance computes with.
    public let configuration: LogMelConfiguration
    /// The mel filterbank, `(melBins, fftSize/2 + 1)`.
    public let filterbank: MelFilterbank

    private let window: [Float]
    private let windowOffset: Int
    private let fft: RealFFTPlan
    /// The filterbank flattened for the inner loop: band `m` weighs power bins
    /// `bands[m].firstBin ..< bands[m].firstBin + bands[m].count` with
    /// `bandWeights[bands[m].weightStart ..< bands[m].weightStart + bands[m].count]`.
    private let bands: [BandRun]
    private let bandWeights: [Float]

    /// Where one band's nonzero weights sit.
    private struct BandRun: Sendable {
        let firstBin: Int
        let weightStart: Int
        let count: Int
    }

    /// Validates the configuration, builds the filterbank and window, and plans the FFT once.
    /// - Parameter configuration: parameters (defaults: the librosa call in ``LogMelConfiguration``).
    /// - Throws: ``LogMelError/invalidConfiguration(_:)``, or ``LogMelError/fftPlanFailed(size:batch:)``.
    public init(configuration: LogMelConfiguration = LogMelConfiguration()) throws {
        try configuration.validate()
        self.configuration = configuration
        filterbank = MelFilterbank(configuration)
        (windowOffset, window) = HannWindow.centred(length: configuration.windowLength, in: configuration.fftSize)
        fft = try RealFFTPlan(size: configuration.fftSize, batch: configuration.batchSize, planning: configuration.planning)
        var runs: [BandRun] = []
        var weights: [Float] = []
        for filter in filterbank.filters {
            runs.append(BandRun(firstBin: filter.firstBin, weightStart: weights.count, count: filter.weights.count))
            weights.append(contentsOf: filter.weights)
        }
        bands = runs
        bandWeights = weights
    }

    /// Frames of a signal of `sampleCount` samples: `T_a = 1 + sampleCount / hopLength`.
    /// - Parameter sampleCount: N.
    /// - Returns: T_a.
    public func frameCount(forSampleCount sampleCount: Int) -> Int {
        configuration.frameCount(forSampleCount: sampleCount)
    }

    /// The log-mel of a whole signal.
    /// - Parameter samples: `(N,)` mono samples at `sampleRate`, N ≥ 1.
    /// - Returns: `(melBins, 1 + N / hopLength)`, `firstFrame == 0`.
    /// - Throws: ``LogMelError/emptySignal`` when N = 0.
    public func callAsFunction(_ samples: [Float]) throws -> LogMel {
        try callAsFunction(samples, frames: 0..<frameCount(forSampleCount: samples.count))
    }

    /// Some frames of a signal's log-mel, equal value for value to the same frames of the
    /// whole-signal result.
    ///
    /// Pass the *whole* signal, not a cut-out: frame `k` reads the samples
    /// ``sampleRange(forFrames:)`` returns (`160k − 200 ..< 160k + 200` by default, the window's
    /// nonzero support), so frames near the range's edges use the real samples beyond it as
    /// context, and zeros only where the signal itself ends. Nothing outside that span is read,
    /// so the cost is proportional to `frames.count`.
    /// - Parameters:
    ///   - samples: `(N,)` mono samples, N ≥ 1.
    ///   - frames: whole-signal frame numbers, inside `0..<T_a`; may be empty.
    /// - Returns: `(melBins, frames.count)` with `firstFrame == frames.lowerBound`.
    /// - Throws: ``LogMelError/emptySignal``, ``LogMelError/frameRangeOutOfBounds(requested:frameCount:)``.
    public func callAsFunction(_ samples: [Float], frames: Range<Int>) throws -> LogMel {
        let melBins = configuration.melBins
        let logOffset = configuration.logOffset
        let columns = frames.count
        var values = [Float](repeating: 0, count: melBins * columns)
        try values.withUnsafeMutableBufferPointer { out in
            try bandWeights.withUnsafeBufferPointer { weights in
                try bands.withUnsafeBufferPointer { runs in
                    try forEachPowerSpectrum(samples, frames: frames) { frame, power in
                        let column = frame - frames.lowerBound
                        for (m, band) in runs.enumerated() {
                            let p = power.baseAddress.unsafelyUnwrapped + band.firstBin
                            let w = weights.baseAddress.unsafelyUnwrapped + band.weightStart
                            var sum: Float = 0
                            for i in 0..<band.count { sum += w[i] * p[i] }
                            out[m * columns + column] = Foundation.log(sum + logOffset)
                        }
                    }
                }
            }
        }
        return try LogMel(bins: melBins, frames: columns, firstFrame: frames.lowerBound, values: values)
    }

    /// The log-mel frames that pair with a run of video frames: video frame `t` pairs with mel
    /// frames `4t … 4t+3` (``TimeConventions/melFramesPerVideoFrame``).
    /// - Parameters:
    ///   - samples: `(N,)` mono 16 kHz samples of the whole clip, N ≥ 1.
    ///   - videoFrames: video frame numbers `a..<b`; needs `4b ≤ T_a`.
    /// - Returns: `(melBins, 4·(b − a))` with `firstFrame == 4a` (`(80, 200)` for a 2 s window).
    /// - Throws: ``LogMelError/invalidConfiguration(_:)`` unless rate and hop are the shared
    ///   time conventions; otherwise as ``callAsFunction(_:frames:)``.
    public func callAsFunction(_ samples: [Float], videoFrames: Range<Int>) throws -> LogMel {
        guard configuration.sampleRate == TimeConventions.audioSampleRate,
              configuration.hopLength == TimeConventions.melHop
        else {
            throw LogMelError.invalidConfiguration(
                "video-frame ranges need sampleRate \(TimeConventions.audioSampleRate) and hopLength \(TimeConventions.melHop)")
        }
        return try callAsFunction(samples, frames: Self.melFrames(forVideoFrames: videoFrames))
    }

    /// Mel frame numbers of a run of video frames: `4a ..< 4b`.
    /// - Parameter videoFrames: `a..<b`.
    /// - Returns: `4a ..< 4b` (``TimeConventions/melFramesPerVideoFrame`` per video frame).
    public static func melFrames(forVideoFrames videoFrames: Range<Int>) -> Range<Int> {
        let perFrame = TimeConventions.melFramesPerVideoFrame
        return (videoFrames.lowerBound * perFrame)..<(videoFrames.upperBound * perFrame)
    }

    /// The samples that frames read: the window's nonzero support, before clipping to `0..<N`.
    /// - Parameter frames: a nonempty run of frame numbers `k0..<k1`.
    /// - Returns: `k0·hop − n_fft/2 + offset ..< (k1−1)·hop − n_fft/2 + offset + windowLength`,
    ///   where `offset = (n_fft − windowLength)/2`; `160k0 − 200 ..< 160(k1−1) + 200` by default.
    public func sampleRange(forFrames frames: Range<Int>) -> Range<Int> {
        precondition(!frames.isEmpty, "sampleRange(forFrames:) needs a nonempty range")
        let lead = windowOffset - configuration.fftSize / 2
        return (frames.lowerBound * configuration.hopLength + lead)
            ..< ((frames.upperBound - 1) * configuration.hopLength + lead + configuration.windowLength)
    }

    /// The power spectra `|X[f]|²` of some frames (before the filterbank).
    /// - Parameters:
    ///   - samples: `(N,)`, N ≥ 1.
    ///   - frames: frame numbers inside `0..<T_a`.
    /// - Returns: `(frames.count, fftSize/2 + 1)` row-major.
    /// - Throws: as ``callAsFunction(_:frames:)``.
    func powerSpectrogram(_ samples: [Float], frames: Range<Int>) throws -> [Float] {
        let bins = configuration.fftBins
        var out = [Float](repeating: 0, count: frames.count * bins)
        try forEachPowerSpectrum(samples, frames: frames) { frame, power in
            let row = (frame - frames.lowerBound) * bins
            for f in 0..<bins { out[row + f] = power[f] }
        }
        return out
    }

    /// Frames, windows and transforms `frames` in batches, handing each frame's power spectrum
    /// (`fftSize/2 + 1` values, valid only during the call) to `body` in frame order.
    ///
    /// Every execution transforms a full batch (rows past the last frame are zeros), so one
    /// plan serves every frame. With `batchSize` 1 each frame's spectrum depends only on its own
    /// samples and that plan, which is what makes a frame range equal the whole signal's frames.
    private func forEachPowerSpectrum(
        _ samples: [Float], frames: Range<Int>,
        _ body: (Int, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        guard !samples.isEmpty else { throw LogMelError.emptySignal }
        let total = frameCount(forSampleCount: samples.count)
        guard frames.lowerBound >= 0, frames.upperBound <= total else {
            throw LogMelError.frameRangeOutOfBounds(requested: frames, frameCount: total)
        }
        guard !frames.isEmpty else { return }

        let workspace = try RealFFTWorkspace(plan: fft)
        let size = configuration.fftSize
        let batch = configuration.batchSize
        let hop = configuration.hopLength
        let length = configuration.windowLength
        let lead = windowOffset - size / 2  // sample index of window[0], relative to k·hop
        var power = [Float](repeating: 0, count: configuration.fftBins)

        try samples.withUnsafeBufferPointer { x in
            try window.withUnsafeBufferPointer { w in
                try power.withUnsafeMutableBufferPointer { p in
                    var start = frames.lowerBound
                    while start < frames.upperBound {
                        let count = min(batch, frames.upperBound - start)
                        workspace.withInput { input in
                            input.update(repeating: 0)
                            for b in 0..<count {
                                let row = b * size + windowOffset
                                let first = (start + b) * hop + lead
                                if first >= 0, first + length <= x.count {
                                    for i in 0..<length { input[row + i] = x[first + i] * w[i] }
                                } else {
                                    for i in 0..<length where first + i >= 0 && first + i < x.count {
                                        input[row + i] = x[first + i] * w[i]
                                    }
                                }
                            }
                        }
                        workspace.execute()
                        for b in 0..<count {
                            workspace.powerSpectrum(ofTransform: b, into: p)
                            try body(start + b, UnsafeBufferPointer(p))
                        }
                        start += count
                    }
                }
            }
        }
    }
}
