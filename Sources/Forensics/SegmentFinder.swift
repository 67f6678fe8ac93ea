/// Flags contiguous stretches of frames whose evidence crosses a threshold (DESIGN §2–§3).
///
/// Two kinds of evidence, each `(T,)` per frame at 25 fps: **sync** (the model's per-frame in-sync
/// probability; evidence is `1 − sync`, flagged when `sync < syncThreshold`) and **artifact**
/// (per-frame artifact probability, flagged when `artifact > artifactThreshold`). Flagged runs
/// separated by at most `maximumGapFrames` unflagged frames are merged; merged runs shorter than
/// `minimumFrames` are dropped. A segment's score is the mean evidence over all its frames (gap
/// frames included). Non-finite values never flag.
public enum SegmentFinder {
    /// Which evidence flagged a segment.
    public enum Kind: String, Sendable, Hashable, Codable {
        case sync, artifact
    }

    /// Frames `start ..< end` (video frames), with times in seconds.
    public struct Segment: Sendable, Hashable, Codable {
        public var startFrame: Int
        public var endFrame: Int
        /// Mean evidence (0…1) over the segment.
        public var score: Float
        public var kind: Kind
        /// `startFrame / 25` and `endFrame / 25`.
        public var start: Double { Double(startFrame) / 25 }
        public var end: Double { Double(endFrame) / 25 }

        public init(startFrame: Int, endFrame: Int, score: Float, kind: Kind) {
            self.startFrame = startFrame
            self.endFrame = endFrame
            self.score = score
            self.kind = kind
        }

        enum CodingKeys: String, CodingKey {
            case startFrame = "start_frame", endFrame = "end_frame", score, kind = "evidence", start, end
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(startFrame: try c.decode(Int.self, forKey: .startFrame), endFrame: try c.decode(Int.self, forKey: .endFrame),
                      score: try c.decode(Float.self, forKey: .score), kind: try c.decode(Kind.self, forKey: .kind))
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(startFrame, forKey: .startFrame)
            try c.encode(endFrame, forKey: .endFrame)
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
            try c.encode(score, forKey: .score)
            try c.encode(kind, forKey: .kind)
        }
    }

    /// Thresholds and merging.
    public struct Configuration: Sendable, Hashable, Codable {
        public var syncThreshold: Float = 0.5
        public var artifactThreshold: Float = 0.5
        public var maximumGapFrames: Int = 3
        public var minimumFrames: Int = 5
        public init() {}
    }

    /// Segments of both kinds, ordered by start frame then kind (sync first). Either series may be empty.
    public static func find(sync: [Float], artifact: [Float], configuration: Configuration = Configuration()) -> [Segment] {
        let s = runs(evidence: sync.map { 1 - $0 }, flag: { $0.isFinite && 1 - $0 < configuration.syncThreshold },
                     kind: .sync, configuration: configuration)
        let a = runs(evidence: artifact, flag: { $0.isFinite && $0 > configuration.artifactThreshold },
                     kind: .artifact, configuration: configuration)
        return (s + a).sorted { ($0.startFrame, $0.kind == .sync ? 0 : 1) < ($1.startFrame, $1.kind == .sync ? 0 : 1) }
    }

    /// Flagged runs of one evidence series, merged and filtered.
    static func runs(evidence: [Float], flag: (Float) -> Bool, kind: Kind, configuration: Configuration) -> [Segment] {
        var raw: [Range<Int>] = []
        var start: Int?
        for (i, e) in evidence.enumerated() {
            if flag(e) { if start == nil { start = i } } else if let s = start { raw.append(s..<i); start = nil }
        }
        if let s = start { raw.append(s..<evidence.count) }
        var merged: [Range<Int>] = []
        for r in raw {
            if let last = merged.last, r.lowerBound - last.upperBound <= configuration.maximumGapFrames {
                merged[merged.count - 1] = last.lowerBound..<r.upperBound
            } else {
                merged.append(r)
            }
        }
        return merged.filter { $0.count >= max(1, configuration.minimumFrames) }.map { r in
            var sum: Double = 0
            var n = 0
            for i in r where evidence[i].isFinite { sum += Double(evidence[i]); n += 1 }
            return Segment(startFrame: r.lowerBound, endFrame: r.upperBound, score: n == 0 ? 0 : Float(sum / Double(n)), kind: kind)
        }
    }
}
