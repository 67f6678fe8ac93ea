import Foundation
import Media
import Model
import Testing
@testable import Forensics

/// The analyzer on real files, with a tiny random model (what the model says does not matter
/// here; that the pipeline around it is right does).
@Suite("Analyzer", .serialized)
struct AnalyzerTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    func analyzer() throws -> Analyzer {
        Analyzer(model: try SyncDefenseModel(configuration: .smoke, source: .random(seed: 3)), weightsSHA256: nil, version: "test")
    }

    /// Writes a 25 fps clip of `frames` grey frames with `audio` (or none).
    func writeClip(frames: Int, audio: [Float]?, name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-analyzer-\(name)-\(UUID().uuidString).mp4")
        let writer = try MP4Writer(path: url.path, video: .init(width: 64, height: 64), audio: audio == nil ? nil : .init())
        for i in 0..<frames { try writer.append(RGBImage(width: 64, height: 64, red: UInt8(60 + i % 50), green: 90, blue: 120)) }
        if let audio { try writer.append(audio: audio) }
        try writer.finish()
        return url
    }

    @Test("analysing in small chunks gives the windows and per-frame values of one pass")
    func chunkedEqualsWhole() throws {
        let path = Self.samples.appendingPathComponent("partial.mp4").path
        let model = try analyzer()
        var whole = AnalysisOptions()
        whole.hopFrames = 3
        var chunked = whole
        chunked.chunkFrames = 20
        let a = try model.analyze(path: path, options: whole)
        let b = try model.analyze(path: path, options: chunked)
        #expect(a.clip.frames == 75 && b.clip.frames == 75)
        #expect(a.clip.windows == b.clip.windows)
        let pa = a.verdict.windowProbabilities, pb = b.verdict.windowProbabilities
        #expect(pa.count == pb.count)
        let windowGap = zip(pa, pb).map { abs($0 - $1) }.max() ?? 1
        let syncGap = zip(a.timelines.sync ?? [], b.timelines.sync ?? []).map { abs($0 - $1) }.max() ?? 1
        #expect(windowGap < 1e-5, "window probabilities differ by \(windowGap)")
        #expect(syncGap < 1e-5, "sync timeline differs by \(syncGap)")
        #expect(a.provenance.inputSHA256 == (try SHA256.hex(fileAt: URL(fileURLWithPath: path))))
        #expect(a.timelines.sync?.count == 75 && a.timelines.gate?.count == 75 && a.speech?.count == 75)
    }

    @Test("explanations hold one attention map per window and one artifact map per frame")
    func explanations() throws {
        var options = AnalysisOptions()
        options.keepExplanations = true
        let a = try analyzer().analyze(path: Self.samples.appendingPathComponent("offset.mp4").path, options: options)
        let e = try #require(a.explanations)
        let c = ModelConfiguration.smoke
        #expect(e.attention.count == a.clip.windows)
        #expect(e.attention.allSatisfy { $0.videoToAudio.count == $0.heads * c.windowFrames * c.windowFrames })
        #expect(e.artifactMaps.count == 75 * e.artifactMapHeight * e.artifactMapWidth)
        #expect(e.mouthOpening.count == 75 && e.speech.count == 75)
    }

    @Test("a silent clip reports no speech instead of a verdict")
    func silentClip() throws {
        let url = try writeClip(frames: 60, audio: [Float](repeating: 0, count: 60 * 640), name: "silent")
        defer { try? FileManager.default.removeItem(at: url) }
        let a = try analyzer().analyze(path: url.path)
        #expect(a.verdict.status == .noSpeech)
        #expect(a.manipulationProbability == nil && !a.isFake && !a.isReal)
    }

    @Test("a clip shorter than the minimum is refused with the frame count; one shorter than a window is padded")
    func shortClips() throws {
        // The smoke preset's window is 6 frames, so its minimum is 6 (min(25, window)); 4 frames are refused.
        let tiny = try writeClip(frames: 4, audio: [Float](repeating: 0, count: 4 * 640), name: "short")
        defer { try? FileManager.default.removeItem(at: tiny) }
        #expect(throws: ForensicsError.self) { _ = try analyzer().analyze(path: tiny.path) }
        let model = Analyzer(model: try SyncDefenseModel(configuration: .smoke, source: .random(seed: 3)), weightsSHA256: nil, version: "t")
        var options = AnalysisOptions()
        options.minimumFrames = 4
        let short = try writeClip(frames: 5, audio: [Float](repeating: 0, count: 5 * 640), name: "padded")
        defer { try? FileManager.default.removeItem(at: short) }
        let a = try model.analyze(path: short.path, options: options)
        #expect(a.clip.padded && a.clip.frames == 5)
    }

    @Test("files without video, without audio, or not media at all are errors, not crashes")
    func badInput() throws {
        let videoOnly = try writeClip(frames: 40, audio: nil, name: "video-only")
        defer { try? FileManager.default.removeItem(at: videoOnly) }
        #expect(throws: (any Error).self) { _ = try analyzer().analyze(path: videoOnly.path) }
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-garbage-\(UUID().uuidString).mp4")
        try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        #expect(throws: MediaError.self) { _ = try analyzer().analyze(path: garbage.path) }
        let source = try Data(contentsOf: Self.samples.appendingPathComponent("genuine.mp4"))
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-truncated-\(UUID().uuidString).mp4")
        try source.prefix(source.count / 3).write(to: truncated)
        defer { try? FileManager.default.removeItem(at: truncated) }
        #expect(throws: (any Error).self) { _ = try analyzer().analyze(path: truncated.path) }
    }
}

/// `Chunk.precut`: which frames come from the tracking pass's crops and which are read.
@Suite struct PrecutFramesTests {
    static func crops(missing: Set<Int>, count: Int = 40) -> MouthCrops {
        MouthCrops(firstFrame: 0, frames: (0..<count).map { missing.contains($0) ? nil : RGBImage(width: 2, height: 2, red: UInt8($0), green: 0, blue: 0) })
    }

    @Test func stretchesNotCutAreReadOneByOneAndTooManyMeanOneRead() throws {
        var reads: [Range<Int>] = []
        func read(_ range: Range<Int>) -> [(index: Int, image: RGBImage)] {
            reads.append(range)
            return range.map { ($0, RGBImage(width: 2, height: 2, red: 200, green: UInt8($0), blue: 0)) }
        }
        let some = try #require(try Chunk.precut(path: "x", frames: 5..<30, crops: Self.crops(missing: [5, 6, 12, 20, 21, 22]), read: read))
        #expect(reads == [5..<7, 12..<13, 20..<23])
        #expect(some.map(\.index) == Array(5..<30))
        #expect(some[0].image.pixels[0] == 200 && some[2].image.pixels[0] == 7)
        reads = []
        let many: Set<Int> = [1, 3, 5, 7, 9]
        #expect(try Chunk.precut(path: "x", frames: 0..<40, crops: Self.crops(missing: many), read: read) == nil)
        #expect(reads.isEmpty)
        // Past the pass's last frame: nothing to give.
        #expect(throws: MediaError.self) { try Chunk.precut(path: "x", frames: 40..<60, crops: Self.crops(missing: []), read: read) }
    }
}
