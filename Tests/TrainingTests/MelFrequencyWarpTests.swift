import Features
import Forensics
import Tensor
import Foundation
import Testing
@testable import Training

/// The vocal-tract-length warp and the band limit of the log-mel, and the plan keys that turn them on.
struct MelFrequencyWarpTests {
    static let configuration = LogMelConfiguration()
    static let bands = configuration.melBins
    static let filterbank = MelFilterbank(configuration)

    /// The source frequency of output frequency `f`, written out as the definition states it.
    static func source(_ f: Double, factor: Double, knee: Double = 0.8) -> Double {
        let top = configuration.maximumFrequency
        let kneeHertz = knee * top * min(1, 1 / factor)
        if f <= kneeHertz { return f * factor }
        return kneeHertz * factor + (f - kneeHertz) * (top - kneeHertz * factor) / (top - kneeHertz)
    }

    /// `(F, N)` log-mel whose band m holds `value(centre of m)` in every column.
    static func spectrogram(columns: Int, _ value: (Double) -> Double) -> [Float] {
        (0..<bands).flatMap { m in
            [Float](repeating: Float(value(filterbank.centreFrequency(ofBand: m))), count: columns)
        }
    }

    @Test func factorOneIsTheIdentity() {
        let mel = (0..<(Self.bands * 7)).map { Float(sin(Double($0) * 0.37)) * 5 - 9 }
        var warped = mel
        MelFrequencyWarp(factor: 1).apply(to: &warped)
        let error = zip(mel, warped).map { abs($0 - $1) }.max()!
        print("factor 1: max |difference| \(error)")
        #expect(error < 1e-5)
    }

    /// A log-mel linear in the mel scale is reproduced exactly by linear interpolation, so the
    /// warped band m must read the value at the source frequency of its centre (clamped to the
    /// first and last centres).
    @Test(arguments: [0.85, 0.93, 1.07, 1.15])
    func readsTheSourceFrequency(factor: Double) {
        let first = MelFilterbank.mel(fromHertz: Self.filterbank.centreFrequency(ofBand: 0))
        let last = MelFilterbank.mel(fromHertz: Self.filterbank.centreFrequency(ofBand: Self.bands - 1))
        let value = { (f: Double) in min(max(MelFilterbank.mel(fromHertz: f), first), last) / 100 - 4 }
        var mel = Self.spectrogram(columns: 3, value)
        MelFrequencyWarp(factor: factor).apply(to: &mel)
        var worst = 0.0
        for m in 0..<Self.bands {
            let expected = value(Self.source(Self.filterbank.centreFrequency(ofBand: m), factor: factor))
            for n in 0..<3 { worst = max(worst, abs(Double(mel[m * 3 + n]) - expected)) }
        }
        print("factor \(factor): max |warped − definition| \(worst)")
        #expect(worst < 1e-4)
    }

    /// A formant at 1 kHz moves to about 1 kHz / factor.
    @Test(arguments: [0.87, 1.13])
    func movesAFormant(factor: Double) {
        let formant = 1000.0
        let bump = { (f: Double) in 3 * exp(-pow((MelFilterbank.mel(fromHertz: f) - MelFilterbank.mel(fromHertz: formant)) / 1.2, 2)) - 6 }
        var mel = Self.spectrogram(columns: 1, bump)
        MelFrequencyWarp(factor: factor).apply(to: &mel)
        let peak = mel.indices.max { mel[$0] < mel[$1] }!
        let target = MelFilterbank.mel(fromHertz: formant / factor)
        let found = MelFilterbank.mel(fromHertz: Self.filterbank.centreFrequency(ofBand: peak))
        let spacing = MelFilterbank.mel(fromHertz: Self.filterbank.centreFrequency(ofBand: 1)) - MelFilterbank.mel(fromHertz: Self.filterbank.centreFrequency(ofBand: 0))
        print("factor \(factor): peak at band \(peak), \(Self.filterbank.centreFrequency(ofBand: peak)) Hz (expected about \(formant / factor) Hz)")
        #expect(abs(found - target) <= spacing)
        #expect(abs(found - MelFilterbank.mel(fromHertz: formant)) > spacing)
    }

    @Test func planKeysDecode() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let old = try decoder.decode(Augmentation.self, from: Data(#"{"max_shift": 1, "gain_db": [-3, 3]}"#.utf8))
        #expect(old.maxShift == 1 && old.gainDB == -3...3 && old.melWarp == nil)
        #expect(old.contrast == Augmentation().contrast && old.maxNoise == Augmentation().maxNoise)
        let warped = try decoder.decode(Augmentation.self, from: Data(#"{"mel_warp": [0.85, 1.15]}"#.utf8))
        #expect(warped.melWarp == 0.85...1.15 && warped.maxShift == Augmentation().maxShift)
        // Encoding without the warp writes no key for it, so older plans hash as before.
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(Augmentation()), as: UTF8.self)
        #expect(!text.contains("mel_warp") && !text.contains("mel_band_limit") && text.contains("gain_db"))
        let limited = try decoder.decode(Augmentation.self, from: Data(#"{"mel_band_limit": [3400, 7000], "mel_band_limit_probability": 0.5}"#.utf8))
        #expect(limited.melBandLimit == 3400...7000 && limited.melBandLimitProbability == 0.5)
        #expect(try decoder.decode(Augmentation.self, from: encoder.encode(limited)) == limited)
        #expect(try decoder.decode(Augmentation.self, from: encoder.encode(warped)) == warped)
    }

    /// With the warp on, only the log-mel changes; without it, the random stream is the one the
    /// augmentation drew before the warp existed (the next draw is the same).
    @Test func augmentationWarpsOnlyTheMel() throws {
        let example = TrainingExample(path: "x.mp4", label: 0, kind: "genuine", url: URL(fileURLWithPath: "/x.mp4"))
        let frames = 4, h = 8, w = 8
        let crops = (0..<(frames * 3 * h * w)).map { UInt8($0 % 251) }
        let mel = (0..<(Self.bands * frames * 4)).map { Float(sin(Double($0) * 0.11)) - 7 }
        let features = ClipFeatures(firstFrame: 0, frameCount: frames, cropHeight: h, cropWidth: w, crops: crops,
                                    melBands: Self.bands, mel: mel, speech: [Bool](repeating: true, count: frames))
        var plain = Augmentation.none
        var warping = plain
        warping.melWarp = 1.1...1.12
        var a = TrainingWindow(example: example, features: features, start: 0, length: frames)
        var b = a
        var randomA = Xoshiro256(seed: 5), randomB = Xoshiro256(seed: 5)
        plain.apply(to: &a, height: h, width: w, using: &randomA)
        warping.apply(to: &b, height: h, width: w, using: &randomB)
        #expect(a.input.crops == b.input.crops)
        #expect(a.input.mel == mel)
        #expect(b.input.mel != mel)
        var c = TrainingWindow(example: example, features: features, start: 0, length: frames)
        var randomC = Xoshiro256(seed: 5)
        plain.maxShift = 0
        plain.apply(to: &c, height: h, width: w, using: &randomC)
        #expect(randomC.next() == randomA.next())
    }

    /// Bands above the cutoff read as silence; the others are untouched.
    @Test(arguments: [3400.0, 4000.0, 7000.0])
    func bandLimitSilencesTheUpperBands(cutoff: Double) {
        let columns = 5
        let mel = (0..<(Self.bands * columns)).map { Float($0 % 17) - 3 }
        var limited = mel
        MelBandLimit(cutoff: cutoff).apply(to: &limited)
        let silence = Float(log(Double(Self.configuration.logOffset)))
        var kept = 0
        for m in 0..<Self.bands {
            let above = Self.filterbank.centreFrequency(ofBand: m) > cutoff
            if !above { kept += 1 }
            for n in 0..<columns {
                let i = m * columns + n
                #expect(limited[i] == (above ? silence : mel[i]))
            }
        }
        print("cutoff \(cutoff) Hz keeps \(kept) of \(Self.bands) bands")
        #expect(kept > 0 && kept < Self.bands)
    }

    @Test func augmentationBandLimitFollowsItsProbability() {
        let example = TrainingExample(path: "x.mp4", label: 0, kind: "genuine", url: URL(fileURLWithPath: "/x.mp4"))
        let frames = 2, h = 4, w = 4
        let features = ClipFeatures(firstFrame: 0, frameCount: frames, cropHeight: h, cropWidth: w,
                                    crops: [UInt8](repeating: 90, count: frames * 3 * h * w), melBands: Self.bands,
                                    mel: [Float](repeating: -2, count: Self.bands * frames * 4), speech: [true, true])
        var always = Augmentation.none
        always.melBandLimit = 4000...4000
        always.melBandLimitProbability = 1
        var never = always
        never.melBandLimitProbability = 0
        var a = TrainingWindow(example: example, features: features, start: 0, length: frames), b = a
        var random = Xoshiro256(seed: 9)
        always.apply(to: &a, height: h, width: w, using: &random)
        never.apply(to: &b, height: h, width: w, using: &random)
        let silence = Float(log(Double(Self.configuration.logOffset)))
        #expect(a.input.mel.last == silence && a.input.mel.first == -2)
        #expect(b.input.mel == features.mel)
    }
}
