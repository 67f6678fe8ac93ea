import Features

/// Vocal-tract-length perturbation on a log-mel spectrogram (Jaitly & Hinton, 2013): the
/// frequency axis is stretched or squeezed by a factor, as a speaker with a shorter or longer
/// vocal tract moves every formant up or down by about the same ratio. It makes new speakers from
/// the corpus's voices without re-decoding anything, and leaves timing (so every label) unchanged.
///
/// Band `m` of the result takes the spectrum at frequency `s(f_m)`, where `f_m` is the band's
/// centre and `s` is piecewise linear: `s(f) = f · factor` up to a knee, then a straight line
/// to `s(fmax) = fmax` so the top band stays the top band. The value at `s(f_m)` is interpolated
/// linearly, in log power, between the two bands whose centres surround it (Slaney-normalised
/// bands hold a power density, so neighbours are comparable); frequencies outside the first and
/// last centres take those bands' values. `factor > 1` reads from higher frequencies, so formants
/// move down (a longer tract); `factor < 1` moves them up.
public struct MelFrequencyWarp: Sendable, Equatable {
    /// For each output band: the lower source band, the upper one, and the upper one's weight.
    public private(set) var taps: [(lower: Int, upper: Int, weight: Float)]
    public let factor: Double

    /// - Parameters:
    ///   - factor: source frequency per output frequency below the knee; 1 is the identity.
    ///   - configuration: the log-mel's bands and frequency range.
    ///   - knee: share of the top frequency (of the output for `factor ≤ 1`, of the source for
    ///     `factor > 1`) where the linear stretch ends; 0.8 by default.
    public init(factor: Double, configuration: LogMelConfiguration = LogMelConfiguration(), knee: Double = 0.8) {
        precondition(factor > 0 && knee > 0 && knee < 1, "MelFrequencyWarp: factor > 0 and 0 < knee < 1")
        self.factor = factor
        let bands = configuration.melBins
        let low = MelFilterbank.mel(fromHertz: configuration.minimumFrequency)
        let high = MelFilterbank.mel(fromHertz: configuration.maximumFrequency)
        // Band m's centre is the (m + 1)-th of bands + 2 points equally spaced in mel.
        let step = (high - low) / Double(bands + 1)
        let centres = MelFilterbank.centreFrequencies(configuration)
        let top = configuration.maximumFrequency
        let kneeHertz = knee * top * min(1, 1 / factor)
        func source(_ f: Double) -> Double {
            if f <= kneeHertz { return f * factor }
            let kneeSource = kneeHertz * factor
            return kneeSource + (f - kneeHertz) * (top - kneeSource) / (top - kneeHertz)
        }
        taps = centres.map { centre in
            let position = (MelFilterbank.mel(fromHertz: source(centre)) - low) / step - 1
            if position <= 0 { return (0, 0, 0) }
            if position >= Double(bands - 1) { return (bands - 1, bands - 1, 0) }
            let lower = Int(position.rounded(.down))
            return (lower, lower + 1, Float(position - Double(lower)))
        }
    }

    /// Warps `mel`, `(F, N)` band-major natural-log power with `F` = the configuration's bands.
    public func apply(to mel: inout [Float]) {
        let bands = taps.count
        precondition(bands > 0 && mel.count % bands == 0, "MelFrequencyWarp: \(mel.count) values are not (\(bands), N)")
        let columns = mel.count / bands
        let source = mel
        source.withUnsafeBufferPointer { input in
            mel.withUnsafeMutableBufferPointer { output in
                for (band, tap) in taps.enumerated() {
                    let lower = tap.lower * columns, upper = tap.upper * columns, out = band * columns
                    let w = tap.weight
                    for n in 0..<columns {
                        output[out + n] = input[lower + n] + w * (input[upper + n] - input[lower + n])
                    }
                }
            }
        }
    }

    public static func == (a: MelFrequencyWarp, b: MelFrequencyWarp) -> Bool {
        a.factor == b.factor && a.taps.elementsEqual(b.taps) { $0.lower == $1.lower && $0.upper == $1.upper && $0.weight == $1.weight }
    }
}
