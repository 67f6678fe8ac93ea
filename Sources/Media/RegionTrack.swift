/// A region of interest per 25 fps frame — a tracked mouth, say — so each frame can be cropped
/// where the subject is. Frames before the first or after the last listed one use the nearest.
public struct RegionTrack: Sendable, Hashable, Codable {
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

    enum CodingKeys: String, CodingKey {
        case firstFrame = "first_frame", regions
    }

    /// Encoded compactly: `{"first_frame": n, "regions": [[x, y, w, h], …]}`.
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(firstFrame, forKey: .firstFrame)
        try c.encode(regions.map { [$0.x, $0.y, $0.width, $0.height] }, forKey: .regions)
    }

    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try c.decode([[Int]].self, forKey: .regions)
        guard !rows.isEmpty, rows.allSatisfy({ $0.count == 4 && $0[2] > 0 && $0[3] > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .regions, in: c, debugDescription: "regions must be non-empty [x, y, w, h] rows with w, h > 0")
        }
        self.init(firstFrame: try c.decode(Int.self, forKey: .firstFrame),
                  regions: rows.map { RegionOfInterest(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) })
    }
}
