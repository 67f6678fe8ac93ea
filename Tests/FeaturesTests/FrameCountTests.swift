import Features
import Foundation
import Testing

@Suite struct FrameCountTests {
    @Test(arguments: [1, 2, 159, 160, 161, 399, 400, 511, 512, 513, 640, 16_000, 16_001, 32_159])
    func frameCountIsOnePlusSamplesOverHop(sampleCount: Int) throws {
        let spectrogram = try LogMelSpectrogram()
        let logMel = try spectrogram([Float](repeating: 0.25, count: sampleCount))
        #expect(logMel.frames == 1 + sampleCount / 160)
        #expect(logMel.bins == 80 && logMel.values.count == 80 * logMel.frames && logMel.firstFrame == 0)
        let allFinite = logMel.values.allSatisfy(\.isFinite)
        #expect(allFinite)
    }

    @Test func emptySignalThrows() throws {
        let spectrogram = try LogMelSpectrogram()
        #expect(throws: LogMelError.emptySignal) { try spectrogram([]) }
        #expect(throws: LogMelError.emptySignal) { try spectrogram([], frames: 0..<0) }
    }

    @Test func digitalSilenceIsTheLogOffset() throws {
        let logMel = try LogMelSpectrogram()([Float](repeating: 0, count: 800))
        let floor = Foundation.log(Float(1e-6))
        let allAtFloor = logMel.values.allSatisfy { $0 == floor }
        #expect(allAtFloor)
    }

    @Test func invalidConfigurationsAreRejected() {
        #expect(throws: LogMelError.self) { try LogMelSpectrogram(configuration: LogMelConfiguration(fftSize: 511)) }
        #expect(throws: LogMelError.self) { try LogMelSpectrogram(configuration: LogMelConfiguration(windowLength: 600)) }
        #expect(throws: LogMelError.self) { try LogMelSpectrogram(configuration: LogMelConfiguration(maximumFrequency: 9000)) }
        #expect(throws: LogMelError.self) { try LogMelSpectrogram(configuration: LogMelConfiguration(hopLength: 0)) }
        #expect(throws: LogMelError.self) { try LogMel(bins: 80, frames: 2, values: [0]) }
    }
}
