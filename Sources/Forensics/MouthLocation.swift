import FaceTracking
import Media

/// Where the analysis looked for the mouth: the mode, the faces found, the face followed, and the
/// mouth region of every frame. Part of every `Analysis` (key `mouth`).
public struct MouthLocation: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Codable {
        /// The whole frame (a mouth-centred clip).
        case wholeFrame = "whole_frame"
        /// One fixed region (`--roi`).
        case region
        /// Faces were tracked; the regions follow the chosen face's mouth.
        case tracked
    }

    /// One tracked face.
    public struct Face: Sendable, Hashable, Codable {
        public var id: Int
        public var firstFrame: Int
        public var lastFrame: Int
        /// Frames where the detector itself found the face.
        public var detections: Int
        /// The face's median box `[x, y, w, h]` in frame pixels.
        public var typicalBox: [Int]
        /// How well the face's mouth motion follows the voiced-band audio envelope (Pearson
        /// correlation at the best shift within ±2 frames; nil when too few frames overlap).
        public var speakerScore: Float?
        /// Whether the analysis followed this face (for some frames).
        public var followed: Bool

        enum CodingKeys: String, CodingKey {
            case id, firstFrame = "first_frame", lastFrame = "last_frame", detections, typicalBox = "typical_box"
            case speakerScore = "speaker_score", followed
        }
    }

    public var mode: Mode
    /// Displayed frame size.
    public var frameWidth: Int
    public var frameHeight: Int
    public var faces: [Face]
    /// The face asked for with `--face`, or nil for the automatic choice.
    public var requestedFace: Int?
    /// Frame ranges `[start, end)` where the followed face was not visible and the nearest mouth
    /// region was held.
    public var framesWithoutFace: [[Int]]
    /// Frames where the picture changed completely.
    public var sceneCuts: [Int]
    /// The mouth region of each frame (nil for the whole frame).
    public var regions: RegionTrack?
    /// Wall time of the face-tracking pass, seconds (reported in the provenance, not encoded here:
    /// two runs of the same input give the same `mouth`).
    public var trackingSeconds: Double?

    /// The fixed or median region, for summaries (nil for the whole frame).
    public var typicalRegion: RegionOfInterest? {
        guard let regions else { return nil }
        return Self.median(regions.regions)
    }

    /// The median region over frames `range` (nil for the whole frame).
    public func region(overFrames range: Range<Int>) -> RegionOfInterest? {
        guard let regions, !range.isEmpty else { return typicalRegion }
        return Self.median(range.map { regions.region(at: $0) })
    }

    static func median(_ regions: [RegionOfInterest]) -> RegionOfInterest? {
        guard !regions.isEmpty else { return nil }
        func m(_ values: [Int]) -> Int { values.sorted()[values.count / 2] }
        return RegionOfInterest(x: m(regions.map(\.x)), y: m(regions.map(\.y)), width: m(regions.map(\.width)),
                                height: m(regions.map(\.height)))
    }

    enum CodingKeys: String, CodingKey {
        case mode, frameWidth = "frame_width", frameHeight = "frame_height", faces, requestedFace = "requested_face"
        case framesWithoutFace = "frames_without_face", sceneCuts = "scene_cuts", regions
    }
}
