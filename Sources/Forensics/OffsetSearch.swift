/// SyncNet-style AV offset search on per-frame embeddings (DESIGN §2).
///
/// For each shift `s` in `−maxShift…maxShift` the mean Euclidean distance
/// `d(s) = mean_t ‖v[t] − a[t − s]‖` is taken over the video frames `t` in `frames` (default: all)
/// whose partner `t − s` lies inside the clip. The offset is the shift with the smallest mean distance
/// (ties: the smaller |s|, then the negative one), in ``OffsetConvention``: positive = audio leads
/// video. Confidence is `median_s d(s) − min_s d(s)`; per-frame confidence is
/// `median_s d(s) − ‖v[t] − a[t − offset]‖` (0 where frame `t` has no partner at the offset).
/// Shifts with fewer than `minimumOverlap` frame pairs are not scored.
public enum OffsetSearch {
    /// The outcome of one search.
    public struct Result: Sendable, Hashable, Codable {
        /// The offset in video frames (``OffsetConvention``: positive = audio leads video).
        public var offsetFrames: Int
        /// `offsetFrames · 40`.
        public var offsetMilliseconds: Double
        /// The scored shifts, ascending, and their mean distances `(S,)`.
        public var shifts: [Int]
        public var meanDistances: [Float]
        /// `min_s d(s)` and `median_s d(s)`.
        public var minimumDistance: Float
        public var medianDistance: Float
        /// `median − minimum` (≥ 0; larger = a clearer best shift).
        public var confidence: Float
        /// `(T_frames,)` median − the frame's own distance at the offset, for the searched frames in order.
        public var perFrameConfidence: [Float]
        /// Always ``OffsetConvention/text``.
        public var offsetConvention: String = OffsetConvention.text

        enum CodingKeys: String, CodingKey {
            case offsetFrames = "offset_frames", offsetMilliseconds = "offset_ms", shifts
            case meanDistances = "mean_distances", minimumDistance = "min_distance", medianDistance = "median_distance"
            case confidence, perFrameConfidence = "per_frame_confidence", offsetConvention = "offset_convention"
        }

        /// Short aliases written beside the long keys: `frames` = `offset_frames`, `ms` = `offset_ms`.
        enum AliasKeys: String, CodingKey { case frames, ms }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(offsetFrames, forKey: .offsetFrames)
            try c.encode(offsetMilliseconds, forKey: .offsetMilliseconds)
            try c.encode(shifts, forKey: .shifts)
            try c.encode(meanDistances, forKey: .meanDistances)
            try c.encode(minimumDistance, forKey: .minimumDistance)
            try c.encode(medianDistance, forKey: .medianDistance)
            try c.encode(confidence, forKey: .confidence)
            try c.encode(perFrameConfidence, forKey: .perFrameConfidence)
            try c.encode(offsetConvention, forKey: .offsetConvention)
            var alias = encoder.container(keyedBy: AliasKeys.self)
            try alias.encode(offsetFrames, forKey: .frames)
            try alias.encode(offsetMilliseconds, forKey: .ms)
        }
    }

    /// Searches `visual` `(T, D)` against `audio` `(T, D)`.
    /// - Parameters:
    ///   - frames: the video frames to score (a sub-range for drift); default all T.
    ///   - maxShift: largest |shift| in frames (15 = 600 ms).
    ///   - minimumOverlap: fewest frame pairs for a shift to be scored (1 by default).
    /// - Throws: ``ForensicsError/shapeMismatch(_:)`` for different shapes,
    ///   ``ForensicsError/invalidParameter(_:)`` when no shift has enough overlap (e.g. an empty clip).
    public static func search(visual: FrameMatrix, audio: FrameMatrix, frames: Range<Int>? = nil,
                              maxShift: Int = 15, minimumOverlap: Int = 1) throws -> Result {
        guard visual.frames == audio.frames, visual.dimension == audio.dimension else {
            throw ForensicsError.shapeMismatch("visual (\(visual.frames), \(visual.dimension)) vs audio (\(audio.frames), \(audio.dimension))")
        }
        guard maxShift >= 0 else { throw ForensicsError.invalidParameter("maxShift \(maxShift) must be ≥ 0") }
        let t = visual.frames
        let range = (frames ?? 0..<t).clamped(to: 0..<t)
        var shifts: [Int] = []
        var means: [Float] = []
        for s in -maxShift...maxShift {
            var sum: Double = 0
            var n = 0
            for f in range where f - s >= 0 && f - s < t {
                sum += Double(visual.distance(row: f, to: audio, row: f - s))
                n += 1
            }
            guard n >= max(1, minimumOverlap) else { continue }
            shifts.append(s)
            means.append(Float(sum / Double(n)))
        }
        guard !means.isEmpty else {
            throw ForensicsError.invalidParameter("no shift within ±\(maxShift) has \(max(1, minimumOverlap)) overlapping frames (T = \(t), frames \(range))")
        }
        var best = 0
        for i in means.indices {
            let better = means[i] < means[best]
                || (means[i] == means[best] && (abs(shifts[i]) < abs(shifts[best])
                    || (abs(shifts[i]) == abs(shifts[best]) && shifts[i] < shifts[best])))
            if better { best = i }
        }
        let offset = shifts[best]
        let median = Median.of(means)
        let perFrame: [Float] = range.map { f in
            let j = f - offset
            guard j >= 0, j < t else { return 0 }
            return median - visual.distance(row: f, to: audio, row: j)
        }
        return Result(offsetFrames: offset, offsetMilliseconds: OffsetConvention.milliseconds(frames: offset),
                      shifts: shifts, meanDistances: means, minimumDistance: means[best], medianDistance: median,
                      confidence: median - means[best], perFrameConfidence: perFrame)
    }
}
