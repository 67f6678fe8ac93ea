/// The local AV offset along a clip: ``OffsetSearch`` in short sliding windows (DESIGN §2, drift[t]).
///
/// Window `i` scores the video frames `start ..< start + windowFrames` (`start = i·hopFrames`, the
/// last window aligned to the end) against audio anywhere in the clip at each shift, so every shift
/// is scored on (up to) the full window. A gradual drift shows as a sloped curve, a spliced segment
/// as a step. Offsets follow ``OffsetConvention`` (positive = audio leads video).
public enum DriftCurve {
    /// One point of the curve.
    public struct Point: Sendable, Hashable, Codable {
        /// The window's video frames `start ..< end`.
        public var start: Int
        public var end: Int
        /// The window's centre in seconds (`(start + end) / 2 / 25`).
        public var centerSeconds: Double
        public var offsetFrames: Int
        public var offsetMilliseconds: Double
        /// median − minimum mean distance within the window.
        public var confidence: Float

        enum CodingKeys: String, CodingKey {
            case start, end, centerSeconds = "center_s", offsetFrames = "offset_frames"
            case offsetMilliseconds = "offset_ms", confidence
        }
    }

    /// The drift curve, one point per window; empty when the clip is shorter than `windowFrames`.
    /// - Throws: ``ForensicsError`` for mismatched shapes or nonpositive window/hop.
    public static func compute(visual: FrameMatrix, audio: FrameMatrix, windowFrames: Int = 30, hopFrames: Int = 5,
                               maxShift: Int = 15) throws -> [Point] {
        guard windowFrames > 0, hopFrames > 0 else {
            throw ForensicsError.invalidParameter("windowFrames \(windowFrames) and hopFrames \(hopFrames) must be positive")
        }
        let t = visual.frames
        guard t >= windowFrames else { return [] }
        var starts = Array(stride(from: 0, to: t - windowFrames, by: hopFrames))
        starts.append(t - windowFrames)
        return try starts.map { start in
            let r = try OffsetSearch.search(visual: visual, audio: audio, frames: start..<(start + windowFrames),
                                            maxShift: maxShift, minimumOverlap: max(1, windowFrames / 2))
            return Point(start: start, end: start + windowFrames,
                         centerSeconds: Double(2 * start + windowFrames) / 2 / 25,
                         offsetFrames: r.offsetFrames, offsetMilliseconds: r.offsetMilliseconds, confidence: r.confidence)
        }
    }
}
