import Foundation

/// A triangular mel filterbank on the Slaney mel scale with Slaney (area) normalisation, as
/// `librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney")` makes it.
///
/// Shape: `(melBins, fftBins)`, stored sparsely: each filter keeps only its nonzero run of FFT
/// bins (`firstBin ..< firstBin + weights.count`).
///
/// The weights are computed in Double and rounded to Float exactly where librosa rounds them
/// (triangle to float32, then times the float64 normaliser, then to float32 again).
public struct MelFilterbank: Sendable, Hashable {
    /// One filter's nonzero run of weights.
    public struct Filter: Sendable, Hashable {
        /// First FFT bin with a nonzero weight.
        public let firstBin: Int
        /// Weights of bins `firstBin ..< firstBin + weights.count`.
        public let weights: [Float]
    }

    /// Mel bands (rows).
    public let melBins: Int
    /// FFT bins (columns): `fftSize / 2 + 1`.
    public let fftBins: Int
    /// The filters, lowest band first; `filters.count == melBins`.
    public let filters: [Filter]
    /// Band edges and centres in Hz: `melBins + 2` points evenly spaced on the mel scale from
    /// the minimum to the maximum frequency. Filter `m` rises from `edges[m]`, peaks at
    /// `edges[m+1]` and falls to zero at `edges[m+2]`.
    public let edges: [Double]

    /// Builds the filterbank.
    /// - Parameters:
    ///   - sampleRate: samples per second.
    ///   - fftSize: FFT length; bin `k` is at `k · sampleRate / fftSize` Hz.
    ///   - melBins: number of bands.
    ///   - minimumFrequency: lowest edge in Hz.
    ///   - maximumFrequency: highest edge in Hz.
    public init(sampleRate: Int, fftSize: Int, melBins: Int, minimumFrequency: Double, maximumFrequency: Double) {
        precondition(sampleRate > 0 && fftSize > 0 && melBins > 0 && minimumFrequency < maximumFrequency)
        self.melBins = melBins
        fftBins = fftSize / 2 + 1
        let binHz = (0..<fftBins).map { Double($0) * Double(sampleRate) / Double(fftSize) }

        let edges = Self.edges(melBins: melBins, minimumFrequency: minimumFrequency, maximumFrequency: maximumFrequency)
        self.edges = edges

        filters = (0..<melBins).map { m in
            let lower = edges[m], centre = edges[m + 1], upper = edges[m + 2]
            let normaliser = 2.0 / (upper - lower)
            var first = -1
            var weights: [Float] = []
            for (k, hz) in binHz.enumerated() {
                let rising = (hz - lower) / (centre - lower)
                let falling = (upper - hz) / (upper - centre)
                let triangle = Float(max(0, min(rising, falling)))
                let weight = Float(Double(triangle) * normaliser)
                if weight != 0 {
                    if first < 0 { first = k }
                    // Pad interior zeros (cannot occur for a triangle, kept for exactness).
                    while first + weights.count < k { weights.append(0) }
                    weights.append(weight)
                }
            }
            return Filter(firstBin: max(first, 0), weights: weights)
        }
    }

    /// Band edges and centres in Hz (``edges``) without building the filters:
    /// `np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), melBins + 2)`, then `mel_to_hz`.
    public static func edges(melBins: Int, minimumFrequency: Double, maximumFrequency: Double) -> [Double] {
        let lowMel = mel(fromHertz: minimumFrequency)
        let highMel = mel(fromHertz: maximumFrequency)
        let points = melBins + 2
        let step = (highMel - lowMel) / Double(points - 1)
        return (0..<points).map { i in hertz(fromMel: i == points - 1 ? highMel : Double(i) * step + lowMel) }
    }

    /// Centre frequencies of the bands a configuration describes, in Hz, lowest first.
    public static func centreFrequencies(_ configuration: LogMelConfiguration) -> [Double] {
        Array(edges(melBins: configuration.melBins, minimumFrequency: configuration.minimumFrequency,
                    maximumFrequency: configuration.maximumFrequency)[1...configuration.melBins])
    }

    /// Builds the filterbank a configuration describes.
    /// - Parameter configuration: supplies rate, FFT size, bands and frequency range.
    public init(_ configuration: LogMelConfiguration) {
        self.init(
            sampleRate: configuration.sampleRate, fftSize: configuration.fftSize,
            melBins: configuration.melBins, minimumFrequency: configuration.minimumFrequency,
            maximumFrequency: configuration.maximumFrequency)
    }

    /// The weight of FFT bin `bin` in band `mel` (zero outside the filter's run).
    public subscript(mel: Int, bin: Int) -> Float {
        let filter = filters[mel]
        let i = bin - filter.firstBin
        return i >= 0 && i < filter.weights.count ? filter.weights[i] : 0
    }

    /// The dense matrix, `(melBins, fftBins)` row-major.
    public var dense: [Float] {
        var matrix = [Float](repeating: 0, count: melBins * fftBins)
        for (m, filter) in filters.enumerated() {
            for (i, w) in filter.weights.enumerated() { matrix[m * fftBins + filter.firstBin + i] = w }
        }
        return matrix
    }

    /// Centre frequency of band `mel` in Hz.
    public func centreFrequency(ofBand mel: Int) -> Double { edges[mel + 1] }

    // MARK: Slaney mel scale (librosa.hz_to_mel / mel_to_hz with htk=False)

    private static let linearHertzPerMel = 200.0 / 3
    private static let logRegionStartHertz = 1000.0
    private static let logRegionStartMel = logRegionStartHertz / linearHertzPerMel
    private static let logStep = Foundation.log(6.4) / 27

    /// Slaney mel of a frequency: linear (200/3 Hz per mel) below 1 kHz, logarithmic above.
    /// - Parameter hertz: frequency in Hz.
    /// - Returns: mels.
    public static func mel(fromHertz hertz: Double) -> Double {
        hertz >= logRegionStartHertz
            ? logRegionStartMel + Foundation.log(hertz / logRegionStartHertz) / logStep
            : hertz / linearHertzPerMel
    }

    /// Inverse of ``mel(fromHertz:)``.
    /// - Parameter mel: mels.
    /// - Returns: frequency in Hz.
    public static func hertz(fromMel mel: Double) -> Double {
        mel >= logRegionStartMel
            ? logRegionStartHertz * Foundation.exp(logStep * (mel - logRegionStartMel))
            : linearHertzPerMel * mel
    }
}
