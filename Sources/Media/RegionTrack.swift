/// A region of interest per 25 fps frame — a tracked mouth, say — so each frame can be cropped
/// where the subject is. Frames before the first or after the last listed one use the nearest.
public struct RegionTrack: Sendable, Equatable, Codable {
    /// Timeline index of `regions[0]`.
    public var firstFrame: Int
    /// One region per frame from `firstFrame` on, displayed coordinates (at least one).
    public var regions: [RegionOfInterest]

    public init(firstFrame: Int, regions: [RegionOfInterest]) {
        precondition(!regions.isEmpty, "a region track needs at least one region")
        self.firstFrame = firstFrame
        self.regions = regions
    }

    /// The region for timeline frame `index`.
    public func region(at index: Int) -> RegionOfInterest {
        regions[min(max(index - firstFrame, 0), regions.count - 1)]
    }
}
