import Dispatch
import FaceTracking
import Foundation
import Media

/// Decides where the mouth is in every frame of a file: the whole frame, a fixed region, or the
/// tracked mouth of the speaking face (``FaceTrackingPass`` + ``ActiveSpeaker``).
public enum MouthLocator {
    /// Frames at most this many pixels a side with no face in them are taken as mouth crops.
    public static let largestMouthCrop = 320

    /// - Parameters:
    ///   - info: the probe of `path` (frame size, duration).
    ///   - cascadePath: a HAAR cascade other than the default frontal-face one.
    /// - Throws: ``ForensicsError/noFaceFound(_:)`` when tracking was needed and found no face;
    ///   ``FaceTrackingError`` when the detector cannot be loaded; `MediaError` for unreadable input.
    public static func locate(path: String, info: MediaInfo, framing: MouthFraming, cascadePath: String? = nil,
                              tracking: FaceTrackingPass.Options = FaceTrackingPass.Options(), limits: MediaLimits = .default,
                              progress: ((Int) -> Void)? = nil) throws -> MouthLocation {
        try locate(path: path, info: info, framing: framing, cascadePath: cascadePath, tracking: tracking, cropSize: nil,
                   limits: limits, progress: progress).location
    }

    /// As ``locate(path:info:framing:cascadePath:tracking:limits:progress:)``, and when faces are
    /// tracked, also the mouth crops at `cropSize` cut from the tracking pass's own decode (see
    /// ``MouthCrops``).
    /// - Parameter cropSize: the model's crop size; nil cuts nothing.
    public static func locate(path: String, info: MediaInfo, framing: MouthFraming, cascadePath: String? = nil,
                              tracking: FaceTrackingPass.Options = FaceTrackingPass.Options(), cropSize: VideoReadOptions.Size?,
                              limits: MediaLimits = .default,
                              progress: ((Int) -> Void)? = nil) throws -> (location: MouthLocation, crops: MouthCrops?) {
        guard let video = info.video else { throw MediaError.noVideoStream(path: path) }
        let width = video.displayWidth, height = video.displayHeight
        var location = MouthLocation(mode: .wholeFrame, frameWidth: width, frameHeight: height, faces: [], requestedFace: nil,
                                     framesWithoutFace: [], sceneCuts: [], regions: nil, trackingSeconds: nil)
        let small = max(width, height) <= largestMouthCrop
        switch framing {
        case .wholeFrame:
            return (location, nil)
        case .region(let region):
            guard region.isInside(width: width, height: height) else {
                throw MediaError.regionOutsideFrame(region: region, frameWidth: width, frameHeight: height)
            }
            location.mode = .region
            location.regions = RegionTrack(firstFrame: 0, regions: [region])
            return (location, nil)
        case .automatic, .face:
            break
        }
        let requested: Int? = if case .face(let n) = framing { n } else { nil }
        location.requestedFace = requested
        let detector: FaceDetector
        do {
            detector = try sharedDetector(cascadePath: cascadePath)
        } catch let error as FaceTrackingError where requested == nil && small {
            // Without a detector a small clip is still readable as a mouth crop.
            _ = error
            return (location, nil)
        }
        let started = DispatchTime.now()
        // A small clip is usually a mouth crop: a few frames spread over it are searched first,
        // and only when one of them shows a face is the whole clip tracked.
        if requested == nil && small,
           let duration = info.video?.durationSeconds ?? info.durationSeconds,
           try !probeFindsFace(path: path, duration: duration, detector: detector, tracking: tracking, limits: limits) {
            location.trackingSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            return (location, nil)
        }
        let cutting = cropSize.map { size in
            var cutting = FaceTrackingPass.MouthCutting(outputSize: size) { box in
                square(tracking.geometry.mouthBox(for: box), width: width, height: height)
            }
            cutting.budgetBytes = tracking.cropBudgetBytes
            return cutting
        }
        let (result, cut) = try FaceTrackingPass.run(path: path, displayWidth: width, displayHeight: height, detector: detector,
                                                     options: tracking, cutting: cutting, limits: limits, progress: progress)
        location.sceneCuts = result.sceneCuts
        location.trackingSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let frameEnd = result.firstFrame + result.frameCount
        // A face must be visible for a meaningful part of the clip (a few stray detections are not a
        // face): frames it was followed through, less those bridged across searches that missed it.
        let tracks = result.tracks.filter { track in
            track.boxes.count - track.interpolatedFrames.reduce(0) { $0 + $1.count } >= min(25, result.frameCount / 4)
        }
        if tracks.isEmpty {
            if requested == nil && small { return (location, nil) }
            throw ForensicsError.noFaceFound("no face found in frames \(result.firstFrame)–\(frameEnd - 1) (\(result.framesSearched) frames searched, faces ≥ \(Int(Double(max(tracking.detector.minimumSide, tracking.minimumFace)) * result.detectionScale)) px); pass --roi x,y,w,h with the mouth region, or --face whole-frame for a mouth-centred clip")
        }
        if let requested, !tracks.indices.contains(requested) {
            throw ForensicsError.invalidParameter("--face \(requested): this clip has \(tracks.count) face\(tracks.count == 1 ? "" : "s") (0…\(tracks.count - 1)); run without --face to see them")
        }
        let envelope = try audioEnvelope(path: path, frames: frameEnd, limits: limits)
        let scores = tracks.map { ActiveSpeaker.score(motion: $0.samples, firstFrame: $0.firstFrame, envelope: envelope) }
        // Per frame: the requested face, else the best-scoring face in view (ties: more detections).
        let ranking = tracks.indices.sorted {
            let a = scores[$0] ?? -2, b = scores[$1] ?? -2
            return a != b ? a > b : tracks[$0].detectedFrames.count > tracks[$1].detectedFrames.count
        }
        var chosen = [Int?](repeating: nil, count: result.frameCount)
        for t in 0..<result.frameCount {
            let frame = result.firstFrame + t
            if let requested { chosen[t] = tracks[requested].frames.contains(frame) ? requested : nil }
            else { chosen[t] = ranking.first { tracks[$0].frames.contains(frame) } }
        }
        // Frames with no face hold the nearest followed region.
        var gaps: [[Int]] = []
        var gapStart: Int?
        for t in 0...result.frameCount {
            let missing = t < result.frameCount && chosen[t] == nil
            if missing, gapStart == nil { gapStart = t }
            if !missing, let start = gapStart { gaps.append([result.firstFrame + start, result.firstFrame + t]); gapStart = nil }
        }
        guard let anyCovered = chosen.firstIndex(where: { $0 != nil }) else {
            throw ForensicsError.noFaceFound("face \(requested ?? 0) is never visible")
        }
        var regions: [RegionOfInterest] = []
        regions.reserveCapacity(result.frameCount)
        // The crop of each frame that shows its own followed face (cut from that frame at this
        // frame's region); a frame holding another frame's region has none.
        var crops: [RGBImage?]? = cut.map { _ in [] }
        var last: (Int, Int) = (chosen[anyCovered]!, result.firstFrame + anyCovered)
        for t in 0..<result.frameCount {
            let frame = result.firstFrame + t
            if let face = chosen[t] { last = (face, frame) }
            let source = chosen[t].map { (tracks[$0], frame) } ?? (tracks[last.0], last.1)
            let faceBox = source.0.box(at: source.1) ?? source.0.boxes[0]
            regions.append(square(tracking.geometry.mouthBox(for: faceBox), width: width, height: height))
            crops?.append(chosen[t].flatMap { cut?.tracks[tracks[$0].id]?.image(at: frame) })
        }
        let followed = Set(chosen.compactMap { $0 })
        location.mode = .tracked
        location.framesWithoutFace = gaps
        location.regions = RegionTrack(firstFrame: result.firstFrame, regions: regions)
        location.faces = tracks.enumerated().map { i, track in
            let b = track.typicalBox
            return MouthLocation.Face(id: i, firstFrame: track.firstFrame, lastFrame: track.lastFrame,
                                      detections: track.detectedFrames.count,
                                      typicalBox: [Int(b.x.rounded()), Int(b.y.rounded()), Int(b.width.rounded()), Int(b.height.rounded())],
                                      speakerScore: scores[i], followed: followed.contains(i))
        }
        return (location, crops.map { MouthCrops(firstFrame: result.firstFrame, frames: $0) })
    }

    /// Frames of a small clip searched for a face before the whole clip is tracked.
    public static let probeFrames = 16

    /// Whether a whole-frame face search finds a face in any of ``probeFrames`` frames spread
    /// evenly over the first `duration` seconds of `path` (a face in view for a quarter of the clip
    /// is missed with probability 0.75¹⁶ ≈ 1 %). Only a "no" short-cuts the tracking pass; a "yes"
    /// (even a stray detection) runs it, and the pass decides. A frame that cannot be read (a
    /// duration longer than the video, a damaged stretch) is skipped; when none can be read the
    /// answer is "yes", so that the tracking pass reads the file and reports what is wrong.
    static func probeFindsFace(path: String, duration: Double, detector: FaceDetector, tracking: FaceTrackingPass.Options,
                               limits: MediaLimits) throws -> Bool {
        let detector = detector.searching(atLeast: tracking.minimumFace)
        let fps = Double(TimeConventions.videoFPS)
        let frames = max(1, Int((duration * fps).rounded(.down)))
        let picks = Set((0..<probeFrames).map { min(frames - 1, Int((Double($0) + 0.5) * Double(frames) / Double(probeFrames))) }).sorted()
        var read = 0
        for frame in picks {
            guard let reader = try? VideoReader(path: path, options: VideoReadOptions(
                      range: TimeRange(startSeconds: Double(frame) / fps, durationSeconds: 1 / fps), limits: limits, decoderThreads: 1)),
                  let decoded = try? reader.nextLuma() else { continue }
            read += 1
            if !detector.detect(decoded.image).isEmpty { return true }
        }
        return read == 0
    }

    /// The mouth box as whole pixels: square, even-sized, moved inside the frame (shrunk only when
    /// the frame is smaller than the square).
    static func square(_ box: FaceBox, width: Int, height: Int) -> RegionOfInterest {
        var side = Int((box.width / 2).rounded()) * 2
        side = max(8, min(side, width, height))
        let x = min(max(0, Int((box.centreX - Double(side) / 2).rounded())), width - side)
        let y = min(max(0, Int((box.centreY - Double(side) / 2).rounded())), height - side)
        return RegionOfInterest(x: x, y: y, width: side, height: side)
    }

    /// The voiced-band envelope `(frames)` of the file's audio, read a minute at a time.
    static func audioEnvelope(path: String, frames: Int, limits: MediaLimits) throws -> [Float] {
        var envelope: [Float] = []
        let chunk = 1500
        let perFrame = TimeConventions.samplesPerVideoFrame, rate = Double(TimeConventions.audioSampleRate)
        var start = 0
        while start < frames {
            let count = min(chunk, frames - start)
            let samples = try AudioReader(path: path, options: AudioReadOptions(
                range: TimeRange(startSeconds: Double(start * perFrame) / rate, durationSeconds: Double(count * perFrame) / rate),
                limits: limits)).readAll()
            var part = ModelFreeCue.audioEnvelope(samples: samples)
            if part.count < count { part += [Float](repeating: .nan, count: count - part.count) }
            envelope += part.prefix(count)
            start += count
        }
        return envelope
    }

    private static let detectorBox = DetectorBox()

    static func sharedDetector(cascadePath: String?) throws -> FaceDetector {
        try detectorBox.get(cascadePath: cascadePath)
    }
}

/// The parsed cascade is kept per process (parsing the 0.9 MB XML takes a while).
private final class DetectorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (String?, FaceDetector)?

    func get(cascadePath: String?) throws -> FaceDetector {
        lock.lock(); defer { lock.unlock() }
        if let cached, cached.0 == cascadePath { return cached.1 }
        let detector = FaceDetector(cascade: try HaarCascade.load(path: cascadePath))
        cached = (cascadePath, detector)
        return detector
    }
}
