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
    /// Frames the detector ran on.
    public var framesSearched: Int
    /// Frame pixels per detection-image pixel.
    public var detectionScale: Double

    enum CodingKeys: String, CodingKey {
        case frameWidth = "frame_width", frameHeight = "frame_height", firstFrame = "first_frame", frameCount = "frame_count"
        case tracks, sceneCuts = "scene_cuts", framesSearched = "frames_searched", detectionScale = "detection_scale"
    }
}

/// The first pass over a file for ordinary (not mouth-centred) video: reads every frame at a
/// reduced size, detects faces every few frames and at scene cuts, links them into tracks and
/// samples each face's mouth motion on every frame. The analysis then crops the chosen face's mouth
/// frame by frame (``RegionTrack``).
public enum FaceTrackingPass {
    public struct Options: Sendable, Equatable {
        /// Frames between detections (5 = five per second).
        public var detectEvery = 5
        /// Frames wider than this are shrunk to it for detection (faces ≥ 24 px at that size are found).
        public var detectionWidth = 480
        /// Mean absolute difference (0…255) between consecutive frames' 16×9 thumbnails that counts
        /// as a scene cut.
        public var sceneCutDifference = 30.0
        public var detector = FaceDetector.Options()
        public var tracker = FaceTracker.Options()
        public var geometry = MouthGeometry.frontalFace

        public init() {}
    }

    /// Tracks the faces of `path`.
    /// - Parameters:
    ///   - displayWidth, displayHeight: the displayed (rotation-corrected) frame size.
    ///   - progress: called with frames read so far.
    /// - Throws: `MediaError` for unreadable video.
    public static func run(path: String, displayWidth: Int, displayHeight: Int, detector: FaceDetector,
                           options: Options = Options(), limits: MediaLimits = .default,
                           progress: ((Int) -> Void)? = nil) throws -> FaceTrackingResult {
        let scale = max(1, Double(displayWidth) / Double(options.detectionWidth))
        let width = max(1, Int((Double(displayWidth) / scale).rounded())), height = max(1, Int((Double(displayHeight) / scale).rounded()))
        let reader = try VideoReader(path: path, options: VideoReadOptions(outputSize: .init(width: width, height: height), limits: limits))
        var trackerOptions = options.tracker
        trackerOptions.detectEvery = options.detectEvery
        var tracker = FaceTracker(options: trackerOptions)
        var previousThumbnail: GrayImage?
        var lastSearch: Int?
        var cuts: [Int] = []
        var searched = 0, count = 0
        var first: Int?
        while let frame = try reader.next() {
            if first == nil { first = frame.index }
            count += 1
            let gray = GrayImage(frame.image)
            let thumbnail = gray.thumbnail(width: 16, height: 9)
            var cut = false
            if let previousThumbnail {
                let difference = zip(thumbnail.pixels, previousThumbnail.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
                cut = Double(difference) / Double(thumbnail.pixels.count) > options.sceneCutDifference
            }
            previousThumbnail = thumbnail
            if cut { cuts.append(frame.index) }
            if cut || lastSearch == nil || frame.index - lastSearch! >= options.detectEvery {
                let faces = detector.detect(gray).map { $0.box }
                tracker.observe(frame: frame.index, detections: faces, sceneCut: cut)
                lastSearch = frame.index
                searched += 1
            }
            tracker.sample(frame: frame.index) { face in
                mouthMotion(gray, in: options.geometry.mouthBox(for: face))
            }
            if count % 25 == 0 { progress?(count) }
        }
        let tracks = tracker.tracks(frameCount: (first ?? 0) + count).map { track -> FaceTrack in
            var t = track
            t.boxes = t.boxes.map { $0.scaled(by: scale) }
            return t
        }
        return FaceTrackingResult(frameWidth: displayWidth, frameHeight: displayHeight, firstFrame: first ?? 0, frameCount: count,
                                  tracks: tracks, sceneCuts: cuts, framesSearched: searched, detectionScale: scale)
    }

    /// How open the mouth looks: the fraction of pixels in the middle half of `box` (rows and
    /// columns) darker than 0.6 × the box's median luminance — the dark cavity of an open mouth.
    /// 0 when the box lies outside the image.
    public static func mouthMotion(_ image: GrayImage, in box: FaceBox) -> Float {
        let x0 = max(0, Int(box.x)), y0 = max(0, Int(box.y))
        let x1 = min(image.width, Int(box.x + box.width)), y1 = min(image.height, Int(box.y + box.height))
        guard x1 - x0 >= 4, y1 - y0 >= 4 else { return 0 }
        var values: [UInt8] = []
        values.reserveCapacity((x1 - x0) * (y1 - y0))
        for y in y0..<y1 { for x in x0..<x1 { values.append(image[x, y]) } }
        let median = Float(values.sorted()[values.count / 2])
        let cut = 0.6 * median
        let w = x1 - x0, h = y1 - y0
        var dark = 0, total = 0
        for y in (y0 + h / 4)..<(y1 - h / 4) {
            for x in (x0 + w / 4)..<(x1 - w / 4) {
                total += 1
                if Float(image[x, y]) < cut { dark += 1 }
            }
        }
        return total > 0 ? Float(dark) / Float(total) : 0
    }
}
