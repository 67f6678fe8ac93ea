import FaceTracking
import Foundation
import Media
import Testing
@testable import Forensics

/// Ordinary video through the whole analysis: faces found and tracked, the speaking face chosen,
/// its mouth cropped frame by frame — and the verdict matches the mouth-centred clip's.
@Suite("Face framing", .serialized)
struct FaceFramingTests {
    static let available = TalkingHeadVideo.isAvailable && (try? HaarCascade.load()) != nil
    static let root = ShippedWeightsTests.root

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("framing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The location without its wall time (which differs between two runs).
    static func untimed(_ location: MouthLocation?) -> MouthLocation? {
        var copy = location
        copy?.trackingSeconds = nil
        return copy
    }

    func analyzer() throws -> (Analyzer, AnalysisOptions) {
        let analyzer = try Analyzer(weights: ShippedWeightsTests.weights, version: "test")
        var options = AnalysisOptions()
        options.aggregator.threshold = try #require(analyzer.storedThreshold)
        return (analyzer, options)
    }

    @Test("a talking head: the speaking face is tracked, its mouth cropped, and the verdict agrees with the mouth-centred clip's",
          .enabled(if: available))
    func talkingHeadMatchesTheMouthCentredClip() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = Self.root.appendingPathComponent("Samples/offset.mp4").path
        let video = try TalkingHeadVideo.make(from: sample, to: folder.appendingPathComponent("head.mp4").path)
        let (analyzer, options) = try analyzer()
        let head = try analyzer.analyze(path: video.path, options: options)
        let centred = try analyzer.analyze(path: sample, options: options)
        let mouth = try #require(head.mouth)
        #expect(mouth.mode == .tracked)
        let followed = mouth.faces.filter(\.followed)
        print("faces: \(mouth.faces.map { "\($0.id) \($0.typicalBox) score \($0.speakerScore.map { String(format: "%.2f", $0) } ?? "–")" })")
        #expect(followed.count == 1)
        // The followed mouth region sits on the pasted mouth and is about its size.
        let regions = try #require(mouth.regions)
        var onMouth = 0
        for (t, centre) in video.mouthCentres.enumerated() {
            let r = regions.region(at: t)
            let cx = Double(r.x) + Double(r.width) / 2, cy = Double(r.y) + Double(r.height) / 2
            if abs(cx - centre.x) < video.pasteSide * 0.2, abs(cy - centre.y) < video.pasteSide * 0.2,
               (0.7...1.4).contains(Double(r.width) / video.pasteSide) { onMouth += 1 }
        }
        print(String(format: "mouth region on the pasted mouth in %d of %d frames; p(head) %.3f, p(centred) %.3f; offset %d vs %d",
                     onMouth, video.mouthCentres.count, head.manipulationProbability ?? -1, centred.manipulationProbability ?? -1,
                     head.offset?.offsetFrames ?? 99, centred.offset?.offsetFrames ?? 99))
        #expect(onMouth >= video.mouthCentres.count * 9 / 10)
        #expect(head.isFake == centred.isFake)
        #expect(abs((head.manipulationProbability ?? 0) - (centred.manipulationProbability ?? 1)) < 0.2)
        // The offset is printed, not compared: on a 3 s clip the shipped model's offset search moves
        // by several frames with sub-pixel differences of the crop (Docs/face-tracking.md, Limits).
        #expect(head.provenance.parameters["region"]?.hasPrefix("tracked face") == true)
    }

    @Test("crops cut while tracking are a second decode's crops; the analysis is the same either way", .enabled(if: available))
    func cropsCutWhileTrackingMatchASecondDecode() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = Self.root.appendingPathComponent("Samples/genuine.mp4").path
        let video = try TalkingHeadVideo.make(from: sample, to: folder.appendingPathComponent("head.mp4").path)
        let info = try MediaProbe.probe(video.path)
        let size = VideoReadOptions.Size(width: 48, height: 48)
        let (location, cut) = try MouthLocator.locate(path: video.path, info: info, framing: .automatic, cropSize: size)
        let crops = try #require(cut)
        let regions = try #require(location.regions)
        let decoded = try VideoReader(path: video.path, options: VideoReadOptions(regionTrack: regions, outputSize: size)).readAll()
        #expect(crops.range == 0..<decoded.count)
        var same = 0, cutFrames = 0
        for frame in decoded {
            guard let crop = crops.crop(at: frame.index) else { continue }
            cutFrames += 1
            if crop == frame.image { same += 1 }
        }
        print("\(cutFrames) of \(decoded.count) frames cut while tracking, \(same) equal to the second decode's")
        #expect(same == cutFrames && cutFrames >= decoded.count * 9 / 10)

        // A stretch the pass did not cut is read from the file: the chunk is the same.
        var holes = crops
        for t in [0, 1, 2, 30, 31, 32, 33, decoded.count - 1] { holes.frames[t] = nil }
        let read = try Chunk.load(path: video.path, startFrame: 0, frames: 1500, regions: regions, cropHeight: 48, cropWidth: 48,
                                  limits: MediaLimits())
        let precut = try Chunk.load(path: video.path, startFrame: 0, frames: 1500, regions: regions, crops: holes,
                                    cropHeight: 48, cropWidth: 48, limits: MediaLimits())
        #expect(precut.features == read.features)
        #expect(precut.clip.frames == read.clip.frames && precut.clip.firstFrameIndex == read.clip.firstFrameIndex)

        // The whole analysis, one decode or two.
        let (analyzer, options) = try analyzer()
        var twice = options
        twice.cropWhileTracking = false
        let once = try analyzer.analyze(path: video.path, options: options)
        let again = try analyzer.analyze(path: video.path, options: twice)
        #expect(once.timelines == again.timelines && once.verdict == again.verdict && Self.untimed(once.mouth) == Self.untimed(again.mouth))

        // Over its budget the pass keeps no crops and finds the same mouth.
        var tight = FaceTrackingPass.Options()
        tight.cropBudgetBytes = 48 * 48 * 3 * 10
        let (budgeted, none) = try MouthLocator.locate(path: video.path, info: info, framing: .automatic, tracking: tight, cropSize: size)
        #expect(none == nil && Self.untimed(budgeted) == Self.untimed(location))
    }

    @Test("--face picks another face; a face number that does not exist is refused", .enabled(if: available))
    func explicitFace() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let video = try TalkingHeadVideo.make(from: Self.root.appendingPathComponent("Samples/genuine.mp4").path,
                                              to: folder.appendingPathComponent("head.mp4").path, zoom: 1.6)
        let (analyzer, base) = try analyzer()
        let info = try MediaProbe.probe(video.path)
        let automatic = try MouthLocator.locate(path: video.path, info: info, framing: .automatic)
        let speaker = try #require(automatic.faces.first { $0.followed })
        print("faces: \(automatic.faces.map { "\($0.id) \($0.typicalBox) score \($0.speakerScore.map { String(format: "%.2f", $0) } ?? "–")" })")
        let other = try #require(automatic.faces.first { !$0.followed })
        let chosen = try MouthLocator.locate(path: video.path, info: info, framing: .face(other.id))
        #expect(chosen.faces.first { $0.followed }?.id == other.id)
        #expect(chosen.regions?.region(at: 10) != automatic.regions?.region(at: 10))
        #expect(speaker.speakerScore ?? -1 > other.speakerScore ?? 1)
        var options = base
        options.framing = .face(automatic.faces.count + 3)
        #expect(throws: ForensicsError.self) { try analyzer.analyze(path: video.path, options: options) }
    }

    @Test("a large video with no face says so and names the way out", .enabled(if: available))
    func noFace() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wall.mp4").path
        let writer = try MP4Writer(path: path, video: .init(width: 640, height: 360), audio: .init())
        for t in 0..<50 { try writer.append(RGBImage(width: 640, height: 360, red: UInt8(100 + t), green: 110, blue: 120)) }
        try writer.append(audio: (0..<32000).map { Float(sin(Double($0) * 0.05)) * 0.3 })
        try writer.finish()
        let (analyzer, options) = try analyzer()
        do {
            _ = try analyzer.analyze(path: path, options: options)
            Issue.record("a faceless 640×360 video was analysed")
        } catch let ForensicsError.noFaceFound(text) {
            #expect(text.contains("frames 0–49") && text.contains("--roi"), "\(text)")
        }
        // The same video with a region is analysed.
        var fixed = options
        fixed.region = RegionOfInterest(x: 200, y: 100, width: 128, height: 128)
        #expect(try analyzer.analyze(path: path, options: fixed).mouth?.mode == .region)
    }

    @Test("a small (320×180) talking head is tracked: the probe of a few frames finds its face", .enabled(if: available))
    func smallTalkingHeadIsTracked() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let video = try TalkingHeadVideo.make(from: Self.root.appendingPathComponent("Samples/genuine.mp4").path,
                                              to: folder.appendingPathComponent("small-head.mp4").path, frameScale: 0.5)
        let info = try MediaProbe.probe(video.path)
        #expect(info.video?.width == 320 && info.video?.height == 180)
        let location = try MouthLocator.locate(path: video.path, info: info, framing: .automatic)
        #expect(location.mode == .tracked)
        let region = try #require(location.regions?.region(at: 40))
        let centre = video.mouthCentres[40]
        #expect(abs(Double(region.x) + Double(region.width) / 2 - centre.x) < Double(region.width) / 4)
        #expect(abs(Double(region.y) + Double(region.height) / 2 - centre.y) < Double(region.height) / 4)
    }

    @Test("the small-clip probe finds no face in a mouth crop, and leaves a clip it cannot read to the tracking pass",
          .enabled(if: available))
    func probeOfASmallClip() throws {
        let sample = Self.root.appendingPathComponent("Samples/genuine.mp4").path
        let detector = try MouthLocator.sharedDetector(cascadePath: nil)
        #expect(try !MouthLocator.probeFindsFace(path: sample, duration: 3, detector: detector, tracking: .init(), limits: .default))
        // A declared duration far past the video's end: no probe frame can be read.
        #expect(try MouthLocator.probeFindsFace(path: sample, duration: 300, detector: detector, tracking: .init(), limits: .default))
    }

    @Test("mouth-centred samples stay whole-frame under automatic framing")
    func mouthCentredStaysWholeFrame() throws {
        let (analyzer, options) = try analyzer()
        let a = try analyzer.analyze(path: Self.root.appendingPathComponent("Samples/genuine.mp4").path, options: options)
        #expect(a.mouth?.mode == .wholeFrame)
        #expect(a.provenance.parameters["region"] == "whole frame")
    }
}
