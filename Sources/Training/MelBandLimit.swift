import Features
import Foundation

/// A band limit on a log-mel spectrogram: every band whose centre lies above `cutoff` Hz takes
/// the value of silence, `log(logOffset)`, as in audio that was sampled at `2 · cutoff` on its way
/// (telephone speech resampled to 16 kHz has no power above 4 kHz). As an augmentation it shows
/// the model synthetic voices without their upper bands, so bandwidth stops telling recorded
/// speech (the corpus's one real speaker is band-limited to 4 kHz) from synthetic.
public struct MelBandLimit: Sendable, Equatable {
    /// Bands of the log-mel, and those kept (at or below the cutoff); the rest are silenced.
    public let bands: Int
    public let keptBands: Int
    public let silence: Float

    /// - Parameters:
    ///   - cutoff: highest kept frequency, Hz.
    ///   - configuration: the log-mel's bands, frequency range and log offset.
    public init(cutoff: Double, configuration: LogMelConfiguration = LogMelConfiguration()) {
        bands = configuration.melBins
        keptBands = MelFilterbank.centreFrequencies(configuration).filter { $0 <= cutoff }.count
        silence = Foundation.log(configuration.logOffset)
    }

    /// Silences the bands above the cutoff of `mel`, `(F, N)` band-major with `F` = ``bands``.
    public func apply(to mel: inout [Float]) {
        precondition(bands > 0 && mel.count % bands == 0, "MelBandLimit: \(mel.count) values are not (\(bands), N)")
        let columns = mel.count / bands
        for i in (keptBands * columns)..<mel.count { mel[i] = silence }
    }
}
