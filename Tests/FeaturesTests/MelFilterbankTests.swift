@testable import Features
import Foundation
import Testing

@Suite struct MelFilterbankTests {
    /// Slaney's mel scale written from its definition: linear, 3 mel per 200 Hz, up to 1 kHz
    /// (15 mel); above, 27 mel per factor 6.4 in frequency.
    static func slaneyMel(_ hz: Double) -> Double {
        hz < 1000 ? hz * 3 / 200 : 15 + 27 * Foundation.log(hz / 1000) / Foundation.log(6.4)
    }

    static func slaneyHz(_ mel: Double) -> Double {
        mel < 15 ? mel * 200 / 3 : 1000 * Foundation.pow(6.4, (mel - 15) / 27)
    }

    /// The textbook definition, one weight at a time: `(melBins, fftBins)` row-major.
    static func definitionalFilterbank(sampleRate: Double, fftSize: Int, melBins: Int, fmin: Double, fmax: Double) -> [Double] {
        let fftBins = fftSize / 2 + 1
        let lowMel = slaneyMel(fmin), highMel = slaneyMel(fmax)
        var hz: [Double] = []
        for i in 0..<(melBins + 2) {
            hz.append(slaneyHz(lowMel + (highMel - lowMel) * Double(i) / Double(melBins + 1)))
        }
        var weights = [Double](repeating: 0, count: melBins * fftBins)
        for m in 0..<melBins {
            for k in 0..<fftBins {
                let f = Double(k) * sampleRate / Double(fftSize)
                var w = 0.0
                if f > hz[m] && f <= hz[m + 1] {
                    w = (f - hz[m]) / (hz[m + 1] - hz[m])
                } else if f > hz[m + 1] && f < hz[m + 2] {
                    w = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1])
                }
                weights[m * fftBins + k] = w * 2 / (hz[m + 2] - hz[m])   // Slaney: unit area in Hz
            }
        }
        return weights
    }

    @Test func matchesDefinitionalLoop() throws {
        let bank = MelFilterbank(LogMelConfiguration())
        #expect(bank.melBins == 80 && bank.fftBins == 257 && bank.filters.count == 80)
        let reference = Self.definitionalFilterbank(sampleRate: 16_000, fftSize: 512, melBins: 80, fmin: 0, fmax: 8000)
        let dense = bank.dense
        var maxDiff = 0.0, maxWeight = 0.0
        for (a, b) in zip(dense, reference) {
            maxDiff = max(maxDiff, abs(Double(a) - b))
            maxWeight = max(maxWeight, b)
        }
        print("mel filterbank vs definitional loop: max |Δ| = \(maxDiff) (largest weight \(maxWeight))")
        #expect(maxDiff <= 1e-6 * maxWeight)
        // The sparse runs hold every nonzero weight and nothing else.
        for m in 0..<80 {
            for k in 0..<257 where (reference[m * 257 + k] > 1e-9 * maxWeight) != (bank[m, k] != 0) {
                Issue.record("band \(m) bin \(k): sparse run disagrees with the definition")
            }
        }
    }

    @Test func scaleRoundTripsAndHitsItsKnots() {
        #expect(abs(MelFilterbank.mel(fromHertz: 1000) - 15) < 1e-12)
        #expect(abs(MelFilterbank.mel(fromHertz: 6400) - 42) < 1e-12)
        for hz in [0.0, 133.3, 999.9, 1000, 2500, 8000] {
            #expect(abs(MelFilterbank.hertz(fromMel: MelFilterbank.mel(fromHertz: hz)) - hz) < 1e-9)
            #expect(abs(MelFilterbank.mel(fromHertz: hz) - Self.slaneyMel(hz)) < 1e-12)
        }
    }

    @Test func edgesSpanTheRangeAndEachFilterHasUnitArea() {
        let bank = MelFilterbank(sampleRate: 16_000, fftSize: 512, melBins: 80, minimumFrequency: 0, maximumFrequency: 8000)
        #expect(bank.edges.count == 82 && bank.edges.first == 0 && abs(bank.edges.last! - 8000) < 1e-9)
        // Slaney normalisation: Σ_k w·Δf ≈ 1 for filters wide enough (≥ 10 bins) to be sampled well.
        for m in 50..<80 {
            let area = bank.filters[m].weights.reduce(0) { $0 + Double($1) } * 16_000 / 512
            #expect(abs(area - 1) < 0.02, "band \(m) area \(area)")
        }
    }
}
