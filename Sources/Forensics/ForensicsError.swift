/// Why a forensic analysis step could not run.
public enum ForensicsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The clip has fewer video frames than the minimum the analysis accepts (25 = 1 s).
    case clipTooShort(frames: Int, minimumFrames: Int)
    /// A parameter is out of range; the text names it.
    case invalidParameter(String)
    /// Inputs whose sizes do not agree; the text names them.
    case shapeMismatch(String)
    /// Face tracking was needed and found no usable face; the text names the frames and what to do.
    case noFaceFound(String)

    public var description: String {
        switch self {
        case let .clipTooShort(frames, minimum):
            let seconds = Double(frames) / 25
            return "clip too short: \(frames) video frames (\(seconds) s at 25 fps); at least \(minimum) frames (\(Double(minimum) / 25) s) are needed"
        case let .invalidParameter(text): return "invalid parameter: \(text)"
        case let .shapeMismatch(text): return "shape mismatch: \(text)"
        case let .noFaceFound(text): return text
        }
    }
}
