/// The affine scaling of raw inputs: `(x − mean) / std` for the log-mel (one mean and deviation
/// over all bands) and for each colour channel of the crops (pixels first divided by 255).
/// Measured on the training corpus, stored in the configuration and so in the weights' metadata.
public struct InputNormalization: Codable, Sendable, Equatable {
    public var melMean: Float
    public var melStd: Float
    /// Per channel R, G, B, on pixels in [0, 1].
    public var pixelMean: [Float]
    public var pixelStd: [Float]

    public init(melMean: Float, melStd: Float, pixelMean: [Float], pixelStd: [Float]) {
        self.melMean = melMean
        self.melStd = melStd
        self.pixelMean = pixelMean
        self.pixelStd = pixelStd
    }

    /// No scaling beyond pixels / 255.
    public static let identity = InputNormalization(melMean: 0, melStd: 1, pixelMean: [0, 0, 0], pixelStd: [1, 1, 1])

    /// Measures means and deviations over many values (Welford-free two-pass sums in Double).
    /// - Parameters:
    ///   - mel: log-mel values.
    ///   - crops: `(…, 3, H·W)` planar bytes in chunks of `3·plane`.
    ///   - plane: `H·W`.
    public static func measure(mel: [[Float]], crops: [[UInt8]], plane: Int) -> InputNormalization {
        var sum = 0.0, squares = 0.0, count = 0.0
        for part in mel {
            for v in part { let d = Double(v); sum += d; squares += d * d }
            count += Double(part.count)
        }
        let melMean = sum / max(count, 1)
        let melStd = (max(squares / max(count, 1) - melMean * melMean, 1e-12)).squareRoot()
        var channelSum = [Double](repeating: 0, count: 3), channelSquares = [Double](repeating: 0, count: 3)
        var channelCount = 0.0
        for part in crops {
            let frames = part.count / (3 * plane)
            for f in 0..<frames {
                for c in 0..<3 {
                    let base = (f * 3 + c) * plane
                    var s = 0.0, q = 0.0
                    for p in 0..<plane { let v = Double(part[base + p]) / 255; s += v; q += v * v }
                    channelSum[c] += s
                    channelSquares[c] += q
                }
            }
            channelCount += Double(frames * plane)
        }
        let pixelMean = channelSum.map { $0 / max(channelCount, 1) }
        let pixelStd = (0..<3).map { (max(channelSquares[$0] / max(channelCount, 1) - pixelMean[$0] * pixelMean[$0], 1e-12)).squareRoot() }
        return InputNormalization(melMean: Float(melMean), melStd: Float(melStd),
                                  pixelMean: pixelMean.map(Float.init), pixelStd: pixelStd.map(Float.init))
    }
}
