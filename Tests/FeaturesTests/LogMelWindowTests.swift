import Features
import Foundation
import Testing

@Suite struct LogMelWindowTests {
    /// 3.3 s of noise-like signal with a slow envelope: `(52_800,)`, T_a = 331.
    static func signal() -> [Float] {
        var rng = TestSignals(seed: 7)
        let noise = rng.gaussian(count: 52_800)
        return noise.enumerated().map { i, x in
            let envelope = 0.2 + 0.15 * Foundation.sin(Double(i) / 3000)
            return x * Float(envelope)
        }
    }

    @Test(arguments: [0..<200, 37..<237, 131..<331, 330..<331, 0..<1, 5..<5, 100..<101])
    func frameRangeEqualsSliceOfWholeSignal(range: Range<Int>) throws {
        let samples = Self.signal()
        let spectrogram = try LogMelSpectrogram()
        let whole = try spectrogram(samples)                      // (80, 331)
        #expect(whole.frames == 331)
        let window = try spectrogram(samples, frames: range)      // (80, range.count)
        #expect(window.firstFrame == range.lowerBound)
        #expect(window == (try whole.slice(frames: range)))
    }

    @Test func videoFrameWindowPairsFourMelFramesPerVideoFrame() throws {
        let samples = Self.signal()
        let spectrogram = try LogMelSpectrogram()
        let whole = try spectrogram(samples)
        let window = try spectrogram(samples, videoFrames: 25..<75)  // 2 s window: (80, 200)
        #expect(window.bins == 80 && window.frames == 200 && window.firstFrame == 100)
        #expect(window == (try whole.slice(frames: 100..<300)))
    }

    @Test(arguments: [2, 3, 16, 64])
    func batchSizeChangesResultsOnlyInTheLastBits(batch: Int) throws {
        let samples = Self.signal()
        let reference = try LogMelSpectrogram()(samples)        // batchSize 1
        let spectrogram = try LogMelSpectrogram(configuration: LogMelConfiguration(batchSize: batch))
        let batched = try spectrogram(samples)
        let maxDiff = zip(reference.values, batched.values).map { abs($0 - $1) }.max() ?? 0
        let window = try spectrogram(samples, frames: 37..<237)
        let windowDiff = zip(window.values, try batched.slice(frames: 37..<237).values).map { abs($0 - $1) }.max() ?? 0
        print("batch \(batch) vs 1: max |Δ| = \(maxDiff); window vs slice at batch \(batch): max |Δ| = \(windowDiff)")
        #expect(maxDiff <= 1e-5 && windowDiff <= 1e-5)
    }

    @Test func sampleRangeIsTheWindowSupport() throws {
        let spectrogram = try LogMelSpectrogram()
        #expect(spectrogram.sampleRange(forFrames: 0..<1) == -200..<200)
        #expect(spectrogram.sampleRange(forFrames: 10..<20) == 1400..<3240)
        #expect(LogMelSpectrogram.melFrames(forVideoFrames: 25..<75) == 100..<300)
    }

    @Test func outOfRangeFramesThrow() throws {
        let spectrogram = try LogMelSpectrogram()
        let samples = [Float](repeating: 0.1, count: 1600)   // T_a = 11
        #expect(throws: LogMelError.frameRangeOutOfBounds(requested: 5..<12, frameCount: 11)) {
            try spectrogram(samples, frames: 5..<12)
        }
        #expect(throws: LogMelError.frameRangeOutOfBounds(requested: 0..<12, frameCount: 11)) {
            try spectrogram(samples, videoFrames: 0..<3)
        }
    }

    @Test func concurrentUseMatchesSerialUse() async throws {
        let samples = Self.signal()
        let shared = try LogMelSpectrogram()
        let serial = try shared(samples)
        let ranges = (0..<8).map { i in (i * 40)..<(i * 40 + 11) }
        let results = try await withThrowingTaskGroup(of: (Range<Int>, LogMel, LogMel).self) { group in
            for range in ranges {
                group.addTask {
                    // Planning in parallel (serialised by the planner lock) while executing the shared plan.
                    let own = try LogMelSpectrogram(configuration: LogMelConfiguration(batchSize: 1 + range.lowerBound % 5))
                    return (range, try shared(samples, frames: range), try own(samples, frames: range))
                }
            }
            var all: [(Range<Int>, LogMel, LogMel)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == ranges.count)
        for (range, fromShared, fromOwn) in results {
            let expected = try serial.slice(frames: range)
            #expect(fromShared == expected)
            let maxDiff = zip(fromOwn.values, expected.values).map { abs($0 - $1) }.max() ?? 0
            #expect(maxDiff <= 1e-5)
        }
    }
}
