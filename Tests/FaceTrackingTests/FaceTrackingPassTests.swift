import Foundation
import Media
import Testing
@testable import FaceTracking

@Suite struct FaceTrackingPassTests {
    static let available = (try? HaarCascade.load()) != nil && LandmarkDataset.isAvailable

    static func photo(_ file: String) throws -> LandmarkDataset.Image {
        try #require(try LandmarkDataset.load("testing_with_face_landmarks.xml").first { $0.path.hasSuffix(file) })
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("facetrack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(.enabled(if: available))
    func followsAPanningZoomingFaceThroughAnOcclusion() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try Self.photo("2008_002470.jpg")  // six faces; the first is about 52 px, centred near (300, 207)
        let frames = 75
        let zoom = { (t: Int) in 1.6 + 0.006 * Double(t) }
        // The first face's centre pans from (200, 170) to the right and down while the photo zooms in.
        let video = try MovingFaceVideo.make(in: folder, photo: photo, frames: frames,
                                             offset: { t in (200 + 2.5 * Double(t) - 300 * zoom(t), 170 + 0.4 * Double(t) - 207 * zoom(t)) },
                                             zoom: zoom, occluded: 40..<47)
        let detector = FaceDetector(cascade: try HaarCascade.load())
        let result = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector)
        #expect(result.frameCount == frames)
        // The photo has other face-like patches; follow the track on the annotated face.
        let track = try #require(result.tracks.max {
            ($0.box(at: 0)?.intersectionOverUnion(video.faces[0]) ?? 0) < ($1.box(at: 0)?.intersectionOverUnion(video.faces[0]) ?? 0)
        })
        print("tracks: \(result.tracks.map { "\($0.firstFrame)…\($0.lastFrame) \($0.detectedFrames)" }); main track frames \(track.firstFrame)…\(track.lastFrame), interpolated \(track.interpolatedFrames)")
        #expect(track.firstFrame == 0 && track.lastFrame == frames - 1)
        // The occluded frames were bridged, not lost.
        #expect(track.interpolatedFrames.contains { $0.contains(42) })
        var containing = 0, jitter = 0.0
        var previous: (Double, Double)?
        for t in track.frames {
            let mouth = MouthGeometry.frontalFace.mouthBox(for: track.boxes[t])
            if video.lips[t].allSatisfy({ mouth.contains(x: $0.x, y: $0.y) }) { containing += 1 }
            // Jitter: how much the crop's frame-to-frame motion departs from the face's true motion.
            let truth = video.faces[t]
            if let previous, t > 0 {
                let before = video.faces[t - 1]
                jitter += abs((mouth.centreX - previous.0) - (truth.centreX - before.centreX))
                    + abs((mouth.centreY - previous.1) - (truth.centreY - before.centreY))
            }
            previous = (mouth.centreX, mouth.centreY)
        }
        let meanJitter = jitter / Double(track.boxes.count - 1)
        print(String(format: "lips inside the mouth crop on %d of %d frames; crop jitter %.2f px/frame (face moves ~3 px/frame)",
                     containing, track.boxes.count, meanJitter))
        #expect(containing >= frames * 95 / 100)
        #expect(meanJitter < 1.0)
        // Mouth motion was sampled on the frames the face was tracked.
        #expect(track.samples.filter { !$0.isNaN }.count >= frames * 9 / 10)
    }

    @Test(.enabled(if: available))
    func aSceneCutEndsTheTrackAndAFacelessVideoHasNone() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let detector = FaceDetector(cascade: try HaarCascade.load())
        // Frames 0–29: one photo; 30–59: another (a cut).
        let video = try MovingFaceVideo.make(in: folder, photo: try Self.photo("2008_002470.jpg"), frames: 60,
                                             offset: { _ in (-150, -60) }, zoom: { _ in 1.6 },
                                             cutTo: (30, try Self.photo("2009_004587.jpg")))
        let result = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector)
        print("scene cuts \(result.sceneCuts), tracks \(result.tracks.map { "\($0.firstFrame)…\($0.lastFrame)" })")
        #expect(result.sceneCuts.contains(30))
        #expect(result.tracks.allSatisfy { !($0.frames.contains(29) && $0.frames.contains(30)) })

        // Plain grey frames: no face, no track.
        let blank = folder.appendingPathComponent("blank.mp4")
        let writer = try MP4Writer(path: blank.path, video: .init(width: 320, height: 240), audio: nil)
        for _ in 0..<30 { try writer.append(RGBImage(width: 320, height: 240, red: 90, green: 90, blue: 90)) }
        try writer.finish()
        let none = try FaceTrackingPass.run(path: blank.path, displayWidth: 320, displayHeight: 240, detector: detector)
        // With no face to look around, only the whole-frame search ran.
        #expect(none.tracks.isEmpty && none.frameCount == 30 && none.framesSearched == 1 && none.fullSearches == 1)
    }

    @Test(.enabled(if: available))
    func aStillFaceIsSearchedLessOftenAndStaysFollowed() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try Self.photo("2008_002470.jpg")
        let frames = 75
        let video = try MovingFaceVideo.make(in: folder, photo: photo, frames: frames, offset: { _ in (200 - 300 * 1.8, 170 - 207 * 1.8) },
                                             zoom: { _ in 1.8 }, name: "still.mp4")
        let detector = FaceDetector(cascade: try HaarCascade.load())
        let result = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector)
        var everyFive = FaceTrackingPass.Options()
        everyFive.stillDetectEvery = everyFive.detectEvery
        let reference = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector, options: everyFive)
        print("still face: \(result.framesSearched) searches (every 5 frames: \(reference.framesSearched)); tracks \(result.tracks.map { "\($0.firstFrame)…\($0.lastFrame) \($0.detectedFrames)" })")
        #expect(reference.framesSearched == frames / 5)
        #expect(result.framesSearched <= frames / 10 + 2)
        let track = try #require(result.tracks.max {
            ($0.box(at: 0)?.intersectionOverUnion(video.faces[0]) ?? 0) < ($1.box(at: 0)?.intersectionOverUnion(video.faces[0]) ?? 0)
        })
        let same = try #require(reference.tracks.max {
            ($0.box(at: 0)?.intersectionOverUnion(video.faces[0]) ?? 0) < ($1.box(at: 0)?.intersectionOverUnion(video.faces[0]) ?? 0)
        })
        #expect(track.frames == 0...(frames - 1) && track.interpolatedFrames.isEmpty)
        // Every frame's box within a pixel of the box found by searching every 5 frames.
        for t in 0..<frames {
            let (a, b) = (track.box(at: t)!, same.box(at: t)!)
            #expect(abs(a.centreX - b.centreX) < 1 && abs(a.centreY - b.centreY) < 1 && abs(a.width - b.width) < 1, "frame \(t)")
        }
    }

    /// Crops cut while tracking: one per frame of every kept track, the same tracks as a pass
    /// that cuts nothing; over the cap on frames held, no crops and still the same tracks.
    @Test(.enabled(if: available))
    func cropsCoverEveryTrackedFrameAndACapOnHeldFramesDropsThem() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = try Self.photo("2008_002470.jpg")
        let video = try MovingFaceVideo.make(in: folder, photo: photo, frames: 40, offset: { t in (200 - 300 * 1.8 + 2 * Double(t), 170 - 207 * 1.8) },
                                             zoom: { _ in 1.8 }, name: "cut.mp4")
        let detector = FaceDetector(cascade: try HaarCascade.load())
        let plain = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector)
        let cutting = FaceTrackingPass.MouthCutting(outputSize: .init(width: 16, height: 16)) { box in
            RegionOfInterest(x: max(0, min(640 - 32, Int(box.centreX) - 16)), y: max(0, min(360 - 32, Int(box.centreY) - 16)), width: 32, height: 32)
        }
        let (result, crops) = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector,
                                                       cutting: cutting)
        // (Equal apart from the mouth-motion samples' NaNs, which never compare equal.)
        func same(_ a: FaceTrackingResult, _ b: FaceTrackingResult) -> Bool {
            a.tracks.map(\.boxes) == b.tracks.map(\.boxes) && a.tracks.map(\.detectedFrames) == b.tracks.map(\.detectedFrames)
                && a.framesSearched == b.framesSearched && a.sceneCuts == b.sceneCuts && a.frameCount == b.frameCount
                && a.tracks.map { $0.samples.map { $0.isNaN ? -1 : $0 } } == b.tracks.map { $0.samples.map { $0.isNaN ? -1 : $0 } }
        }
        #expect(same(result, plain) && !result.tracks.isEmpty)
        let cut = try #require(crops)
        #expect(Set(cut.tracks.keys) == Set(result.tracks.map(\.id)))
        for track in result.tracks {
            let images = try #require(cut.tracks[track.id])
            #expect(images.firstFrame == track.firstFrame && images.images.count == track.boxes.count)
            #expect(images.images.allSatisfy { $0.width == 16 && $0.height == 16 })
        }
        var capped = cutting
        capped.maxHeldBytes = 640 * 360 * 3 / 2 * 2
        let (unchanged, none) = try FaceTrackingPass.run(path: video.path, displayWidth: 640, displayHeight: 360, detector: detector, cutting: capped)
        #expect(same(unchanged, plain) && none == nil)
    }
}
