@testable import Features
import Foundation
import Testing

@Suite struct PowerSpectrumTests {
    /// |DFT|² of each centred, Hann-windowed frame, straight from the definitions, in Double:
    /// `(frames, 257)` row-major.
    static func naivePowerSpectrogram(_ x: [Float]) -> [Double] {
        let nFFT = 512, hop = 160, win = 400, offset = (nFFT - win) / 2
        let frames = 1 + x.count / hop
        var out: [Double] = []
        for k in 0..<frames {
            var frame = [Double](repeating: 0, count: nFFT)
            for n in 0..<win {
                let i = k * hop - nFFT / 2 + offset + n
                let sample = i >= 0 && i < x.count ? Double(x[i]) : 0
                frame[offset + n] = sample * (0.5 - 0.5 * Foundation.cos(2 * Double.pi * Double(n) / Double(win)))
            }
            for f in 0...(nFFT / 2) {
                var re = 0.0, im = 0.0
                for n in 0..<nFFT {
                    let phase = -2 * Double.pi * Double(f * n % nFFT) / Double(nFFT)
                    re += frame[n] * Foundation.cos(phase)
                    im += frame[n] * Foundation.sin(phase)
                }
                out.append(re * re + im * im)
            }
        }
        return out
    }

    @Test(arguments: [1, 300, 1000])
    func fftPowerMatchesNaiveDFT(sampleCount: Int) throws {
        var rng = TestSignals(seed: UInt64(sampleCount))
        let x = rng.gaussian(count: sampleCount)                                  // (N,)
        let spectrogram = try LogMelSpectrogram()
        let frames = spectrogram.frameCount(forSampleCount: sampleCount)
        let fast = try spectrogram.powerSpectrogram(x, frames: 0..<frames)       // (T_a, 257)
        let slow = Self.naivePowerSpectrogram(x)                                  // (T_a, 257)
        #expect(fast.count == slow.count && fast.count == frames * 257)
        let peak = slow.max() ?? 0
        let maxDiff = zip(fast, slow).map { abs(Double($0) - $1) }.max() ?? 0
        print("power spectrum N=\(sampleCount) vs naive DFT: max |Δ| = \(maxDiff), relative to peak \(maxDiff / peak)")
        #expect(maxDiff <= 1e-5 * peak)
    }
}
