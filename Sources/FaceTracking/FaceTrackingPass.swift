import Foundation
import Media

/// What face tracking found in a file, in displayed frame pixels.
public struct FaceTrackingResult: Sendable, Equatable, Codable {
    public var frameWidth: Int
    public var frameHeight: Int
    /// Timeline index of the first frame and the number of frames read.
    public var firstFrame: Int
    public var frameCount: Int
    /// Faces, numbered by first appearance; each track's `samples` is its mouth motion.
    public var tracks: [FaceTrack]
    /// Frames where the picture changed completely (tracks end there).
    public var sceneCuts: [Int]
    /// Frames the detector ran on (whole, or around at least one face), and how many of them it
    /// searched whole.
    public var framesSearched: Int
    public var fullSearches: Int
    /// Frame pixels per detection-image pixel.
    public var detectionScale: Double

    enum CodingKeys: String, CodingKey {
        case frameWidth = "frame_width", frameHeight = "frame_height", firstFrame = "first_frame", frameCount = "frame_count"
        case tracks, sceneCuts = "scene_cuts", framesSearched = "frames_searched", fullSearches = "full_searches", detectionScale = "detection_scale"
    }
}

/// Mouth crops cut during the tracking pass, from the same decode (``FaceTrackingPass/MouthCutting``).
public struct FaceCrops: Sendable, Equatable {
    /// The crops of one track: one per frame of the track, from its first frame.
    public struct Track: Sendable, Equatable {
        public var firstFrame: Int
        public var images: [RGBImage]

        /// The crop of timeline frame `frame`, nil outside the track.
        public func image(at frame: Int) -> RGBImage? {
            frame >= firstFrame && frame - firstFrame < images.count ? images[frame - firstFrame] : nil
        }
    }

    /// Keyed by ``FaceTrack/id``.
    public var tracks: [Int: Track]
}

/// The pass over a file for ordinary (not mouth-centred) video: decodes every frame once, detects
/// faces every few frames (on the frame shrunk to ≤ 480 px) and at scene cuts, links them into
/// tracks, samples each face's mouth motion on every frame and — with ``MouthCutting`` — cuts every
/// face's mouth crop from the same decoded frames, so the analysis of the chosen face need not read
/// the video again (``RegionTrack`` describes the regions either way).
public enum FaceTrackingPass {
    public struct Options: Sendable, Equatable {
        /// Frames between detections (5 = five per second).
        public var detectEvery = 5
        /// Frames between searches of the whole frame (and at every scene cut); the detections
        /// between them look only around the faces already tracked (``FaceDetector/SearchArea``),
        /// which gives the same boxes as a whole-frame search for those faces. 0 or `detectEvery`:
        /// every search is whole-frame. While whole-frame searches find no new face and no face
        /// leaves, the interval doubles, up to `slowestFullSearchEvery`: a face entering the picture
        /// is found within `fullSearchEvery` frames of a change of the faces in view, and within
        /// `slowestFullSearchEvery` in a scene that has held the same faces.
        public var fullSearchEvery = 100
        public var slowestFullSearchEvery = 300
        /// Sizes a local search looks at: `1/localSizeRange` to `localSizeRange` times the tracked
        /// face (a face zooming by more than this within `detectEvery` frames is found again by the
        /// next whole-frame search).
        public var localSizeRange = 1.25
        /// The margin and size range of a local search around a face that held still
        /// (``FaceTracker/OpenTrack/isStill``: it moved less than 5 % of its side over 10 frames,
        /// so it is within a few percent of its box when next searched).
        public var stillMargin = 0.25
        public var stillSizeRange = 1.15
        /// Frames wider than this are shrunk to it for detection.
        public var detectionWidth = 480
        /// Smallest face searched, pixels at the detection size (the cascade's 24: 24 of 480 ≈
        /// 64 px of a 1280-wide frame).
        public var minimumFace = 24
        /// Mean absolute difference (0…255) between consecutive frames' 16×9 thumbnails that counts
        /// as a scene cut.
        public var sceneCutDifference = 30.0
        /// Frames between searches for a face that holds still (``FaceTracker/Options/stillDetectEvery``),
        /// and one that held still over such an interval (``FaceTracker/Options/slowestDetectEvery``).
        public var stillDetectEvery = 10
        public var slowestDetectEvery = 20
        public var detector = FaceDetector.Options()
        public var tracker = FaceTracker.Options()
        public var geometry = MouthGeometry.frontalFace
        /// Most bytes of mouth crops a pass may keep (``MouthCutting/budgetBytes``).
        public var cropBudgetBytes = 256 << 20

        public init() {}
    }

    /// What to cut out of every frame for every tracked face while the pass reads the file, so
    /// that the analysis need not decode it a second time. A frame is held (as decoded, see
    /// ``DecodedPicture``) until its boxes are settled (``FaceTracker/firstUnsettledFrame(after:)``,
    /// a few detections later), then cut: each crop equals what a ``VideoReader`` with that region
    /// would give for the frame.
    public struct MouthCutting: Sendable {
        /// Crop size, displayed orientation.
        public var outputSize: VideoReadOptions.Size
        /// The region to cut for a face box (frame pixels).
        public var region: @Sendable (FaceBox) -> RegionOfInterest
        /// Most bytes of crops kept. Past it the crops are dropped and the pass goes on tracking
        /// only (the caller reads the file again): 256 MiB ≈ 90 face-minutes of 48×48 crops.
        public var budgetBytes = 256 << 20
        /// Most decoded frames held waiting for their boxes to settle, in bytes of 8-bit 4:2:0
        /// pictures (a frame waits two to three detection intervals, 15–60 frames; 512 MiB is 370
        /// frames of 720p, 165 of 1080p, 41 of 4K); past it cutting stops the same way.
        public var maxHeldBytes = 512 << 20

        public init(outputSize: VideoReadOptions.Size, region: @escaping @Sendable (FaceBox) -> RegionOfInterest) {
            self.outputSize = outputSize
            self.region = region
        }
    }

    /// Tracks the faces of `path`.
    /// - Parameters:
    ///   - displayWidth, displayHeight: the displayed (rotation-corrected) frame size.
    ///   - progress: called with frames read so far.
    /// - Throws: `MediaError` for unreadable video.
    public static func run(path: String, displayWidth: Int, displayHeight: Int, detector: FaceDetector,
                           options: Options = Options(), limits: MediaLimits = .default,
                           progress: ((Int) -> Void)? = nil) throws -> FaceTrackingResult {
        try run(path: path, displayWidth: displayWidth, displayHeight: displayHeight, detector: detector, options: options,
                cutting: nil, limits: limits, progress: progress).result
    }

    /// Tracks the faces of `path` and cuts `cutting`'s crops for every kept track.
    /// - Returns: the tracks, and their crops (nil when `cutting` is nil or was given up: over
    ///   its budget, or a frame could not be cut).
    /// - Throws: `MediaError` for unreadable video.
    public static func run(path: String, displayWidth: Int, displayHeight: Int, detector: FaceDetector,
                           options: Options = Options(), cutting: MouthCutting?, limits: MediaLimits = .default,
                           progress: ((Int) -> Void)? = nil) throws -> (result: FaceTrackingResult, crops: FaceCrops?) {
        let scale = max(1, Double(displayWidth) / Double(options.detectionWidth))
        let width = max(1, Int((Double(displayWidth) / scale).rounded())), height = max(1, Int((Double(displayHeight) / scale).rounded()))
        // The decoded pictures themselves: shrunk (luminance only) for the detector, read in place
        // for the thumbnail and the mouth motion, cut for the crops. (Skipping H.264's deblocking
        // filter was tried: the blocking it leaves made the cascade lose a 70-pixel face in a
        // 320×180 clip.)
        let reader = try VideoReader(path: path, options: VideoReadOptions(limits: limits))
        // The detector's picture (the frame shrunk with swscale's area filter) is made only for
        // the frames searched; the scene-cut thumbnail and the mouth motion of every frame are read
        // straight from the decoded luma plane (``DecodedPicture/thumbnail(width:height:step:)``).
        let shrink = try PictureCutter(outputSize: .init(width: width, height: height))
        let detector = detector.searching(atLeast: options.minimumFace)
        var trackerOptions = options.tracker
        trackerOptions.detectEvery = options.detectEvery
        trackerOptions.stillDetectEvery = max(options.detectEvery, options.stillDetectEvery)
        trackerOptions.slowestDetectEvery = max(trackerOptions.stillDetectEvery, options.slowestDetectEvery)
        var tracker = FaceTracker(options: trackerOptions)
        var previousThumbnail: GrayImage?
        var previousPicture: DecodedPicture?
        var lastSearch: Int?
        var cuts: [Int] = []
        var searched = 0, fullSearches = 0, count = 0
        var schedule = FullSearchSchedule(base: max(options.fullSearchEvery, options.detectEvery),
                                          slowest: options.slowestFullSearchEvery)
        var first: Int?
        // Decoding runs on a thread of its own, a few frames ahead of the detection: on two cores
        // the pass takes the longer of the two, not their sum.
        let frames = FrameHandoff<(index: Int, picture: DecodedPicture)>(capacity: 8)
        let source = ReaderBox(reader)
        Thread.detachNewThread {
            do {
                while let frame = try source.reader.nextPicture() {
                    guard frames.put((frame.index, frame.picture)) else { return }
                }
                frames.finish()
            } catch {
                frames.finish(throwing: error)
            }
        }
        defer { frames.abandon() }
        var cutter = cutting.map { CropCollector($0, scale: scale) }
        while let frame = try frames.take() {
            if first == nil { first = frame.index }
            count += 1
            // About 10 × 10 samples of each of the 16 × 9 cells.
            let thumbnail = try frame.picture.thumbnail(width: 16, height: 9, step: max(1, min(frame.picture.displayWidth / 160,
                                                                                            frame.picture.displayHeight / 90)))
            var cut = false
            if let previousThumbnail {
                let difference = zip(thumbnail.pixels, previousThumbnail.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
                cut = Double(difference) / Double(thumbnail.pixels.count) > options.sceneCutDifference
            }
            previousThumbnail = thumbnail
            if cut { cuts.append(frame.index) }
            if cut || lastSearch == nil || frame.index - lastSearch! >= options.detectEvery {
                let before = Set(tracker.openTracks.map(\.id))
                if schedule.isDue(frame.index, sceneCut: cut) {
                    let picture = try shrink.luma(frame.picture, region: nil)
                    tracker.observe(frame: frame.index, detections: detector.detect(picture).map(\.box), sceneCut: cut)
                    schedule.searched(frame.index, sameFaces: !cut && Set(tracker.openTracks.map(\.id)) == before)
                    fullSearches += 1
                    searched += 1
                } else {
                    // Around each tracked face that is due (a face holding still less often) — or
                    // would be before the next search can come, so that faces share search frames
                    // (and the detector's picture); the area widens with each round it was missed.
                    let due = tracker.openTracks.filter { $0.dueFrame < frame.index + options.detectEvery }
                    if due.contains(where: { $0.dueFrame <= frame.index }) {
                        let areas = due.map { face in
                            face.isStill
                                ? FaceDetector.SearchArea.around(face.box, margin: options.stillMargin, sizeRange: options.stillSizeRange)
                                : FaceDetector.SearchArea.around(face.box, margin: min(1.5, 0.5 + 0.25 * Double(face.missed)),
                                                                 sizeRange: options.localSizeRange)
                        }
                        let picture = try shrink.luma(frame.picture, region: nil)
                        tracker.observe(frame: frame.index, detections: detector.detect(picture, within: areas).map(\.box),
                                        searched: Set(due.map(\.id)))
                        searched += 1
                        // A face left (or a new one joined a track's place): back to the base interval.
                        if Set(tracker.openTracks.map(\.id)) != before { schedule.facesChanged() }
                    }
                }
                lastSearch = frame.index
            }
            if let previous = previousPicture {
                tracker.sample(frame: frame.index) { face in
                    (try? mouthMotion(frame.picture, previous: previous, in: options.geometry.mouthBox(for: face).scaled(by: scale),
                                      spacing: scale)) ?? .nan
                }
            }
            previousPicture = cut ? nil : frame.picture
            if cutter != nil,
               !cutter!.hold(frame.index, frame.picture, tracker: tracker, settledBefore: tracker.firstUnsettledFrame(after: frame.index)) {
                cutter = nil
            }
            if count % 25 == 0 { progress?(count) }
        }
        let frameCount = (first ?? 0) + count
        if cutter != nil, !cutter!.finish(tracker: tracker, frameCount: frameCount) { cutter = nil }
        let tracks = tracker.tracks(frameCount: frameCount).map { track -> FaceTrack in
            var t = track
            t.boxes = t.boxes.map { $0.scaled(by: scale) }
            return t
        }
        let numbers = tracker.trackNumbers
        let crops = cutter.map { collector in
            FaceCrops(tracks: Dictionary(uniqueKeysWithValues: collector.tracks.compactMap { id, track in numbers[id].map { ($0, track) } }))
        }
        return (FaceTrackingResult(frameWidth: displayWidth, frameHeight: displayHeight, firstFrame: first ?? 0, frameCount: count,
                                   tracks: tracks, sceneCuts: cuts, framesSearched: searched, fullSearches: fullSearches,
                                   detectionScale: scale), crops)
    }

    /// Holds decoded frames until their boxes settle, then cuts every track's crop from them.
    private struct CropCollector {
        let cutting: MouthCutting
        /// Frame pixels per detection pixel.
        let scale: Double
        var held: [(index: Int, picture: DecodedPicture)] = []
        var heldFrom = 0
        /// Keyed by the tracker's ``FaceTracker/OpenTrack/id``.
        var tracks: [Int: FaceCrops.Track] = [:]
        var cutters: [Int: PictureCutter] = [:]
        var bytes = 0

        init(_ cutting: MouthCutting, scale: Double) {
            self.cutting = cutting
            self.scale = scale
        }

        /// Holds `picture` (frame `index`) and cuts the frames before `settledBefore`; false when
        /// cutting is given up.
        mutating func hold(_ index: Int, _ picture: DecodedPicture, tracker: FaceTracker, settledBefore: Int) -> Bool {
            held.append((index, picture))
            while heldFrom < held.count, held[heldFrom].index < settledBefore {
                guard cut(held[heldFrom], boxes: tracker.settledBoxes(at: held[heldFrom].index)) else { return false }
                heldFrom += 1
            }
            if heldFrom > 64 { held.removeFirst(heldFrom); heldFrom = 0 }
            let frameBytes = picture.displayWidth * picture.displayHeight * 3 / 2
            return (held.count - heldFrom) * frameBytes <= cutting.maxHeldBytes
        }

        /// Cuts the frames still held, the clip having ended after `frameCount` frames.
        mutating func finish(tracker: FaceTracker, frameCount: Int) -> Bool {
            while heldFrom < held.count {
                guard cut(held[heldFrom], boxes: tracker.settledBoxes(at: held[heldFrom].index, frameCount: frameCount)) else { return false }
                heldFrom += 1
            }
            held = []
            heldFrom = 0
            return true
        }

        private mutating func cut(_ frame: (index: Int, picture: DecodedPicture), boxes: [(id: Int, box: FaceBox)]) -> Bool {
            for (id, box) in boxes {
                let region = cutting.region(box.scaled(by: scale))
                guard let cutter = cutters[id] ?? (try? PictureCutter(outputSize: cutting.outputSize)),
                      let image = try? cutter.rgb(frame.picture, region: region) else { return false }
                cutters[id] = cutter
                var track = tracks[id] ?? FaceCrops.Track(firstFrame: frame.index, images: [])
                // A track's frames are contiguous; anything else means the frames were not.
                guard track.firstFrame + track.images.count == frame.index else { return false }
                track.images.append(image)
                tracks[id] = track
                bytes += image.pixels.count
                if bytes > cutting.budgetBytes { return false }
            }
            return true
        }
    }

    /// Hands the reader to the decoding thread (used by one thread at a time).
    private final class ReaderBox: @unchecked Sendable {
        let reader: VideoReader
        init(_ reader: VideoReader) { self.reader = reader }
    }

    /// How much the mouth moves: the mean absolute luminance change (0…1) between the previous
    /// and this frame over the middle of `box` (frame pixels; its central 60 % of rows and columns,
    /// where the lips are), sampled every `spacing` pixels (the detection image's pixel pitch). A
    /// speaking mouth moves with the syllables; a listening one only with noise. 0 when the box
    /// lies outside the picture.
    /// - Throws: an FFmpeg error for a picture whose luminance cannot be read.
    public static func mouthMotion(_ picture: DecodedPicture, previous: DecodedPicture, in box: FaceBox, spacing: Double) throws -> Float {
        try picture.meanAbsoluteDifference(from: previous, x0: box.x + 0.2 * box.width, y0: box.y + 0.2 * box.height,
                                           x1: box.x + 0.8 * box.width, y1: box.y + 0.8 * box.height, spacing: spacing)
    }
}
