import Foundation
import Media
import Testing
@testable import Forensics

/// The shipped weights on the committed sample clips (one per kind, made by `syncdefense synth`
/// with seed 2026 — not part of the training corpus): what an analyst would check first.
@Suite("Shipped weights on the samples", .serialized)
struct ShippedWeightsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let weights = root.appendingPathComponent("Weights/syncdefense-compact-v1.safetensors")

    func analyze(_ name: String) throws -> Analysis {
        let analyzer = try Analyzer(weights: Self.weights, version: "test")
        var options = AnalysisOptions()
        options.aggregator.threshold = try #require(analyzer.storedThreshold, "the shipped weights carry their threshold")
        return try analyzer.analyze(path: Self.root.appendingPathComponent("Samples/\(name)").path, options: options)
    }

    @Test("the genuine sample is not called fake")
    func genuineIsNotFake() throws {
        let a = try analyze("genuine.mp4")
        #expect(!a.isFake, "p = \(a.manipulationProbability ?? -1)")
        #expect(a.provenance.weightsSHA256 == (try SHA256.hex(fileAt: Self.weights)))
    }

    @Test("the offset sample's offset has the label's sign (audio lags by 2 frames) within one frame")
    func offsetSign() throws {
        let a = try analyze("offset.mp4")
        let offset = try #require(a.offset)
        #expect(offset.offsetFrames < 0 && abs(offset.offsetFrames - (-2)) <= 1, "measured \(offset.offsetFrames)")
        #expect(a.isFake)
    }

    @Test("the partial sample is fake and a flagged segment overlaps the replaced audio (frames 32–57)")
    func partialSegment() throws {
        let a = try analyze("partial.mp4")
        #expect(a.isFake)
        #expect(a.segments.contains { $0.startFrame < 58 && $0.endFrame > 32 }, "\(a.segments)")
    }
}
