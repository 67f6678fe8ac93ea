import Foundation

/// librosa's analysis window: `scipy.signal.get_window("hann", windowLength, fftbins=True)`
/// (periodic Hann), zero-padded centred into the FFT length (`librosa.util.pad_center`).
enum HannWindow {
    /// The periodic Hann window `w[n] = 0.5 − 0.5·cos(2πn / length)`, `n = 0..<length`.
    /// - Parameter length: window length (> 0).
    /// - Returns: `length` values.
    static func periodic(length: Int) -> [Double] {
        (0..<length).map { n in 0.5 - 0.5 * Foundation.cos(2 * Double.pi * Double(n) / Double(length)) }
    }

    /// The periodic window of `length`, centred in `fftSize` zeros: it starts at
    /// `(fftSize − length) / 2`.
    /// - Parameters:
    ///   - length: window length.
    ///   - fftSize: padded length (≥ `length`).
    /// - Returns: `(offset, window)`: the first nonzero position and the `length` Float values.
    static func centred(length: Int, in fftSize: Int) -> (offset: Int, values: [Float]) {
        ((fftSize - length) / 2, periodic(length: length).map { Float($0) })
    }
}
