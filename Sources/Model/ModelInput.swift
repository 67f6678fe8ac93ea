import Tensor

/// One window's raw inputs: planar crop bytes and the log-mel, before normalisation.
public struct WindowInput: Sendable {
    /// `(T, 3, H, W)` planar RGB bytes.
    public var crops: [UInt8]
    /// `(F, T_a)` log-mel, band-major.
    public var mel: [Float]

    public init(crops: [UInt8], mel: [Float]) {
        self.crops = crops
        self.mel = mel
    }
}

/// Builds the model's input tensors from raw windows (the only place inputs are scaled).
public enum ModelInput {
    /// `windows` → `video: (B, 3, T, H, W)`, `mel: (B, 1, F, T_a)`, scaled by the configuration's
    /// `inputNormalization` (identity when nil).
    /// - Parameters:
    ///   - frames: `T`; each window's crops hold `T·3·H·W` bytes with `H, W` from the configuration.
    ///   - melFrames: `T_a`; each window's mel holds `F·T_a` values.
    /// - Throws: `ModelError.invalidInput` when a window's sizes disagree.
    public static func batch(_ windows: [WindowInput], frames t: Int, melFrames: Int,
                             configuration c: ModelConfiguration) throws -> (video: Tensor, mel: Tensor) {
        let h = c.cropHeight, w = c.cropWidth, f = c.melBands
        let plane = h * w
        let norm = c.inputNormalization ?? .identity
        let b = windows.count
        guard b > 0 else { throw ModelError.invalidInput("an empty batch") }
        var video = [Float](repeating: 0, count: b * 3 * t * plane)
        var mel = [Float](repeating: 0, count: b * f * melFrames)
        for (i, window) in windows.enumerated() {
            guard window.crops.count == t * 3 * plane, window.mel.count == f * melFrames else {
                throw ModelError.invalidInput("window \(i): \(window.crops.count) crop bytes and \(window.mel.count) mel values; expected \(t * 3 * plane) and \(f * melFrames)")
            }
            for ch in 0..<3 {
                let scale = 1 / (255 * norm.pixelStd[ch]), shift = norm.pixelMean[ch] / norm.pixelStd[ch]
                for frame in 0..<t {
                    let source = (frame * 3 + ch) * plane
                    let target = ((i * 3 + ch) * t + frame) * plane // (B, 3, T, H, W)
                    for p in 0..<plane { video[target + p] = Float(window.crops[source + p]) * scale - shift }
                }
            }
            let melScale = 1 / norm.melStd
            let base = i * f * melFrames
            for k in 0..<(f * melFrames) { mel[base + k] = (window.mel[k] - norm.melMean) * melScale }
        }
        return (try Tensor(shape: [b, 3, t, h, w], scalars: video), try Tensor(shape: [b, 1, f, melFrames], scalars: mel))
    }
}
