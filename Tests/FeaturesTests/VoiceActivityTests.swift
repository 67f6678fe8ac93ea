@testable import Features
import Testing

@Suite struct VoiceActivityTests {
    static let second = 16_000

    /// The speech fixture with 1 s of digital silence on each side: speech in video frames 25..<70.
    static func paddedSpeech() throws -> [Float] {
        let silence = [Float](repeating: 0, count: second)
        return try silence + Fixture.speech() + silence       // (60_800,) = 95 video frames
    }

    static func describe(_ activity: VoiceActivity) -> String {
        String(activity.isSpeech.map { $0 ? "█" : "·" }) + "  runs \(activity.speechRuns), floor \(activity.noiseFloorDB) dB"
    }

    @Test func digitalSilenceHasNoSpeech() throws {
        let activity = try VoiceActivityDetector()([Float](repeating: 0, count: 3 * Self.second))
        #expect(activity.frameCount == 75)
        #expect(!activity.isSpeech.contains(true))
        #expect(activity.score.allSatisfy { $0 < 0.01 })
    }

    @Test(arguments: [0.001, 0.05, 0.3] as [Float])
    func constantWhiteNoiseHasNoSpeech(rms: Float) throws {
        var rng = TestSignals(seed: 11)
        let activity = try VoiceActivityDetector()(rng.whiteNoise(count: 3 * Self.second, rms: rms))
        print("white noise rms \(rms): \(Self.describe(activity))")
        #expect(activity.frameCount == 75)
        #expect(!activity.isSpeech.contains(true))
    }

    @Test func paddedSpeechIsFlaggedOnlyWhereItIs() throws {
        let activity = try VoiceActivityDetector()(try Self.paddedSpeech())
        print("padded speech:          \(Self.describe(activity))")
        #expect(activity.frameCount == 95)
        let runs = activity.speechRuns
        let first = try #require(runs.first), last = try #require(runs.last)
        #expect(abs(first.lowerBound - 25) <= 2)
        #expect(abs(last.upperBound - 70) <= 3)          // hangover: 2 frames
        let inside = activity.isSpeech[27..<68].filter { $0 }.count
        #expect(Double(inside) / 41 >= 0.9)
        #expect(!activity.isSpeech[0..<23].contains(true))
        #expect(!activity.isSpeech[73..<95].contains(true))
    }

    @Test func speechInNoiseAt10dBSNRIsDetected() throws {
        let speech = try Fixture.speech()
        let noiseRMS = Float((TestSignals.power(speech) / 10).squareRoot())   // SNR over the utterance: 10 dB
        var rng = TestSignals(seed: 23)
        let noise = rng.whiteNoise(count: 60_800, rms: noiseRMS)
        let noisy = zip(try Self.paddedSpeech(), noise).map { $0 + $1 }
        let activity = try VoiceActivityDetector()(noisy)
        print("speech + noise @10 dB:  \(Self.describe(activity))")
        let inside = activity.isSpeech[25..<70].filter { $0 }.count
        #expect(Double(inside) / 45 >= 0.7)
        #expect(!activity.isSpeech[0..<22].contains(true))
        #expect(!activity.isSpeech[73..<95].contains(true))
    }

    @Test func logMelAndSampleEntryPointsAgree() throws {
        let samples = try Self.paddedSpeech()
        let spectrogram = try LogMelSpectrogram()
        let detector = try VoiceActivityDetector(spectrogram: spectrogram)
        #expect(try detector(spectrogram(samples)) == detector(samples))
        let shortened = try detector(samples, videoFrameCount: 10)
        #expect(shortened.frameCount == 10)
        let longer = try detector(samples, videoFrameCount: 100)             // frames past the audio read as silence
        #expect(longer.frameCount == 100 && !longer.isSpeech[96...].contains(true))
        #expect(throws: VoiceActivityError.notVideoAligned(firstFrame: 3)) {
            try detector(spectrogram(samples, frames: 3..<43))
        }
    }

    @Test func smoothingFillsGapsDropsBlipsAndHangsOver() {
        func mask(_ s: String) -> [Bool] { s.map { $0 == "#" } }
        let smoothed = VoiceActivityDetector.smooth(
            mask("..#....###..###.......#########..."), maximumGap: 3, minimumRun: 3, hangover: 2)
        #expect(smoothed == mask(".......##########.....###########."))
        #expect(VoiceActivityDetector.percentile([4, 1, 3, 2], 50) == 2.5)
        #expect(VoiceActivityDetector.percentile([], 10) == nil)
    }

    @Test func invalidConfigurationIsRejected() {
        #expect(throws: VoiceActivityError.self) {
            try VoiceActivityDetector(configuration: VoiceActivityConfiguration(noiseFloorPercentile: 120))
        }
        #expect(throws: VoiceActivityError.emptySpeechBand(9000...9500)) {
            try VoiceActivityDetector(configuration: VoiceActivityConfiguration(speechBand: 9000...9500))
        }
    }
}
