import Foundation

/// Background noise added to speech at a chosen signal-to-noise ratio.
public enum NoiseKind: String, Codable, CaseIterable, Sendable {
    case white, pink, babble, hum
}

public enum NoiseMixer {
    /// White noise, unit variance.
    public static func white(count: Int, using random: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float(random.normal()) }
    }

    /// Pink (1/f) noise by Paul Kellet's filter on white noise, about unit variance.
    public static func pink(count: Int, using random: inout SeededRandom) -> [Float] {
        var b = [Double](repeating: 0, count: 7)
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let w = random.normal()
            b[0] = 0.99886 * b[0] + w * 0.0555179
            b[1] = 0.99332 * b[1] + w * 0.0750759
            b[2] = 0.96900 * b[2] + w * 0.1538520
            b[3] = 0.86650 * b[3] + w * 0.3104856
            b[4] = 0.55000 * b[4] + w * 0.5329522
            b[5] = -0.7616 * b[5] - w * 0.0168980
            out[i] = Float((b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362) * 0.11)
            b[6] = w * 0.115926
        }
        return normalised(out)
    }

    /// Mains hum: 50 or 60 Hz and its harmonics, at 16 kHz.
    public static func hum(count: Int, sampleRate: Int, using random: inout SeededRandom) -> [Float] {
        let base = random.chance(0.5) ? 50.0 : 60.0
        let phases = (0..<4).map { _ in random.uniform(0, 2 * Double.pi) }
        let weights = [1.0, 0.5, 0.3, 0.15]
        let out = (0..<count).map { i -> Float in
            let t = Double(i) / Double(sampleRate)
            return Float((0..<4).reduce(0.0) { $0 + weights[$1] * sin(2 * Double.pi * base * Double($1 + 1) * t + phases[$1]) })
        }
        return normalised(out)
    }

    /// Root mean square of the loudest 50 % of 20 ms blocks: the level of the speech itself, not its pauses.
    public static func activeLevel(_ samples: [Float], sampleRate: Int) -> Double {
        let block = max(1, sampleRate / 50)
        var energies: [Double] = []
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + block)
            energies.append(samples[start..<end].reduce(0.0) { $0 + Double($1 * $1) } / Double(end - start))
            start = end
        }
        let loud = energies.sorted(by: >).prefix(max(1, energies.count / 2))
        return (loud.reduce(0, +) / Double(loud.count)).squareRoot()
    }

    /// `speech + noise` with the noise scaled so the speech's active level is `snr` dB above it.
    public static func mix(speech: [Float], noise: [Float], snr: Double, sampleRate: Int) -> [Float] {
        let speechLevel = activeLevel(speech, sampleRate: sampleRate)
        let noiseLevel = (noise.reduce(0.0) { $0 + Double($1 * $1) } / Double(max(1, noise.count))).squareRoot()
        guard speechLevel > 0, noiseLevel > 0 else { return speech }
        let gain = Float(speechLevel / noiseLevel / pow(10, snr / 20))
        var out = speech
        for i in out.indices { out[i] += gain * noise[i % noise.count] }
        return out
    }

    static func normalised(_ values: [Float]) -> [Float] {
        let rms = (values.reduce(0.0) { $0 + Double($1 * $1) } / Double(max(1, values.count))).squareRoot()
        return rms > 0 ? values.map { $0 / Float(rms) } : values
    }
}
