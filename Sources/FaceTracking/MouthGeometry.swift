/// Where the mouth sits in a detected face box, and how large a crop around it matches the framing
/// the model was trained on.
///
/// The proportions are measured, not guessed: ``measure(_:)`` over dlib's annotated training photos
/// (68-point landmarks, lips = points 48–67) matched with this detector's boxes gives the mouth
/// centre and width relative to the box; `FaceTrackingTests` re-measures them and fails if
/// ``frontalFace`` drifts from the measurement. The crop side follows the synthetic corpus: its
/// renderer draws the mouth corner to corner across 0.56 of the crop (`MouthRenderer`, half-width
/// 0.56 in the crop's −1…1 coordinates), so real crops are cut to the same ratio.
public struct MouthGeometry: Sendable, Equatable, Codable {
    /// Mouth centre from the box's left edge, in box widths.
    public var centreX: Double
    /// Mouth centre from the box's top edge, in box heights.
    public var centreY: Double
    /// Mouth width (corner to corner), in box widths.
    public var width: Double
    /// Mouth width over crop side in the training corpus.
    public var mouthToCrop: Double

    public init(centreX: Double, centreY: Double, width: Double, mouthToCrop: Double = 0.56) {
        self.centreX = centreX
        self.centreY = centreY
        self.width = width
        self.mouthToCrop = mouthToCrop
    }

    /// Measured with `swift test --filter mouthGeometryMatchesTheMeasurement` on dlib's
    /// `training_with_face_landmarks.xml` (values printed there).
    public static let frontalFace = MouthGeometry(centreX: 0.503, centreY: 0.750, width: 0.321)

    /// The square mouth crop for a face box: centred on the mouth, side = mouth width / `mouthToCrop`.
    public func mouthBox(for face: FaceBox) -> FaceBox {
        let side = width * face.width / mouthToCrop
        return FaceBox(centreX: face.x + centreX * face.width, centreY: face.y + centreY * face.height, width: side, height: side)
    }

    /// Mean proportions over `(face box, lip landmarks 48–67)` pairs (at least one).
    public static func measure(_ samples: [(box: FaceBox, lips: [(x: Double, y: Double)])]) -> MouthGeometry {
        precondition(!samples.isEmpty && samples.allSatisfy { $0.lips.count == 20 }, "needs faces with 20 lip points")
        var cx = 0.0, cy = 0.0, w = 0.0
        for (box, lips) in samples {
            let mx = lips.map(\.x).reduce(0, +) / 20, my = lips.map(\.y).reduce(0, +) / 20
            cx += (mx - box.x) / box.width
            cy += (my - box.y) / box.height
            // Points 48 and 54 are the mouth corners.
            let dx = lips[6].x - lips[0].x, dy = lips[6].y - lips[0].y
            w += (dx * dx + dy * dy).squareRoot() / box.width
        }
        let n = Double(samples.count)
        return MouthGeometry(centreX: cx / n, centreY: cy / n, width: w / n)
    }
}
