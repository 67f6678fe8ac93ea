import Features
import Testing

@Suite struct LogMelParityTests {
    @Test func matchesLibrosaOnSpeechFixture() throws {
        let samples = try Fixture.speech()                      // (N,)
        let reference = try Fixture.speechLogMel()              // (80, T_a)
        let logMel = try LogMelSpectrogram()(samples)           // (80, T_a)
        #expect(reference.shape == [80, 1 + samples.count / 160])
        #expect([logMel.bins, logMel.frames] == reference.shape)

        var maxDiff: Float = 0
        var worst = 0
        for (i, (a, b)) in zip(logMel.values, reference.values).enumerated() where abs(a - b) > maxDiff {
            maxDiff = abs(a - b)
            worst = i
        }
        print("log-mel parity vs librosa: max |Δ| = \(maxDiff) (log scale) at bin \(worst / logMel.frames), frame \(worst % logMel.frames)")
        #expect(maxDiff <= 1e-3)
    }
}
