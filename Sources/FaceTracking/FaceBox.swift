import Media

/// An axis-aligned box in frame pixels (displayed orientation), with sub-pixel position so tracks
/// can be smoothed.
public struct FaceBox: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public init(centreX: Double, centreY: Double, width: Double, height: Double) {
        self.init(x: centreX - width / 2, y: centreY - height / 2, width: width, height: height)
    }

    public var centreX: Double { x + width / 2 }
    public var centreY: Double { y + height / 2 }
    public var area: Double { max(0, width) * max(0, height) }

    /// Intersection over union (0 when either box is empty).
    public func intersectionOverUnion(_ other: FaceBox) -> Double {
        let ix = max(0, min(x + width, other.x + other.width) - max(x, other.x))
        let iy = max(0, min(y + height, other.y + other.height) - max(y, other.y))
        let inter = ix * iy
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// Whether the point lies inside the box (edges included).
    public func contains(x px: Double, y py: Double) -> Bool {
        px >= x && px <= x + width && py >= y && py <= y + height
    }

    /// The box scaled by `factor` about the origin (detection-image → frame pixels).
    public func scaled(by factor: Double) -> FaceBox {
        FaceBox(x: x * factor, y: y * factor, width: width * factor, height: height * factor)
    }

    /// Whole pixels, clamped inside a `frameWidth × frameHeight` frame (at least 1×1).
    public func region(inFrameWidth frameWidth: Int, height frameHeight: Int) -> RegionOfInterest {
        let w = min(max(1, Int(width.rounded())), frameWidth), h = min(max(1, Int(height.rounded())), frameHeight)
        let left = min(max(0, Int(x.rounded())), frameWidth - w), top = min(max(0, Int(y.rounded())), frameHeight - h)
        return RegionOfInterest(x: left, y: top, width: w, height: h)
    }

    public var description: String {
        String(format: "%.0f,%.0f %.0f×%.0f", x, y, width, height)
    }
}
