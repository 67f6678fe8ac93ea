/// A log-mel spectrogram, or a run of its frames: `(bins, frames)`, row-major.
///
/// `values[b · frames + j]` is band `b` of frame `firstFrame + j`, where frame numbers count
/// from the start of the whole signal (frame `k` is centred at sample `k · hop`, i.e. `k · 10 ms`
/// by default). A whole-signal result has `firstFrame == 0` and `frames == T_a = 1 + N / hop`.
public struct LogMel: Sendable, Hashable {
    /// Mel bands (80 by default).
    public let bins: Int
    /// Frames held (T_a for a whole signal).
    public let frames: Int
    /// Whole-signal number of the first frame held.
    public let firstFrame: Int
    /// `(bins, frames)` row-major natural-log mel power.
    public let values: [Float]

    /// Wraps values.
    /// - Parameters:
    ///   - bins: mel bands.
    ///   - frames: frames.
    ///   - firstFrame: whole-signal number of column 0 (default 0).
    ///   - values: `(bins, frames)` row-major.
    /// - Throws: ``LogMelError/shapeMismatch(bins:frames:valueCount:)`` when
    ///   `values.count != bins · frames` or a dimension is negative.
    public init(bins: Int, frames: Int, firstFrame: Int = 0, values: [Float]) throws {
        guard bins >= 0, frames >= 0, values.count == bins * frames else {
            throw LogMelError.shapeMismatch(bins: bins, frames: frames, valueCount: values.count)
        }
        self.bins = bins
        self.frames = frames
        self.firstFrame = firstFrame
        self.values = values
    }

    /// Whole-signal frame numbers held: `firstFrame ..< firstFrame + frames`.
    public var frameRange: Range<Int> { firstFrame..<(firstFrame + frames) }

    /// The value of band `bin` in column `column` (`0..<frames`, not a whole-signal number).
    public subscript(bin: Int, column: Int) -> Float {
        precondition(bin >= 0 && bin < bins && column >= 0 && column < frames, "LogMel index out of range")
        return values[bin * frames + column]
    }

    /// A run of frames, by whole-signal frame number.
    /// - Parameter range: frame numbers, inside ``frameRange``.
    /// - Returns: `(bins, range.count)` with `firstFrame == range.lowerBound`.
    /// - Throws: ``LogMelError/frameRangeOutOfBounds(requested:frameCount:)`` when `range`
    ///   leaves ``frameRange``.
    public func slice(frames range: Range<Int>) throws -> LogMel {
        guard range.lowerBound >= firstFrame, range.upperBound <= firstFrame + frames else {
            throw LogMelError.frameRangeOutOfBounds(requested: range, frameCount: firstFrame + frames)
        }
        let start = range.lowerBound - firstFrame
        var out: [Float] = []
        out.reserveCapacity(bins * range.count)
        for b in 0..<bins {
            out.append(contentsOf: values[(b * frames + start)..<(b * frames + start + range.count)])
        }
        return try LogMel(bins: bins, frames: range.count, firstFrame: range.lowerBound, values: out)
    }
}
