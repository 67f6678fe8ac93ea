/// One face followed through a stretch of frames: a smoothed box for every frame from `firstFrame`
/// to `lastFrame`, and which of those frames had a detection of their own.
public struct FaceTrack: Sendable, Equatable, Codable {
    /// Track number, in order of first appearance (0, 1, …).
    public var id: Int
    public var firstFrame: Int
    /// `(lastFrame − firstFrame + 1)` boxes in frame pixels.
    public var boxes: [FaceBox]
    /// Frames (timeline indices) where the detector itself found this face.
    public var detectedFrames: [Int]
    /// Frames inside the track where the face was not found and the box was interpolated between
    /// detections on either side (occlusion, a turned head).
    public var interpolatedFrames: [Range<Int>]
    /// `(lastFrame − firstFrame + 1)` values of the signal sampled while tracking (mouth motion for
    /// ``FaceTrackingPass``), NaN where none was taken.
    public var samples: [Float]

    public var lastFrame: Int { firstFrame + boxes.count - 1 }
    public var frames: ClosedRange<Int> { firstFrame...lastFrame }

    public func box(at frame: Int) -> FaceBox? {
        frames.contains(frame) ? boxes[frame - firstFrame] : nil
    }

    /// The median box (the face's usual place), for summaries.
    public var typicalBox: FaceBox {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return FaceBox(centreX: median(boxes.map(\.centreX)), centreY: median(boxes.map(\.centreY)),
                       width: median(boxes.map(\.width)), height: median(boxes.map(\.height)))
    }

    enum CodingKeys: String, CodingKey {
        case id, firstFrame = "first_frame", boxes, detectedFrames = "detected_frames", interpolatedFrames = "interpolated_frames"
        case samples = "mouth_motion"
    }
}
