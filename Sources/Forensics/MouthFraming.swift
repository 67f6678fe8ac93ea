import Media

/// How the analysis finds the mouth in each frame.
public enum MouthFraming: Sendable, Equatable {
    /// Track faces and follow the active speaker; a clip with no face whose frame is small enough to
    /// be a mouth crop (≤ ``MouthLocator/largestMouthCrop`` pixels a side) is taken as mouth-centred.
    case automatic
    /// The clip is already mouth-centred: use the whole frame.
    case wholeFrame
    /// A fixed region (`--roi`), displayed coordinates.
    case region(RegionOfInterest)
    /// Track faces and follow face `n` (0-based, numbered by first appearance; `--face`).
    case face(Int)

    /// Parses the `--face` / `?face=` forms: `auto`, `whole-frame` or a face number.
    public init(parsingFace text: String) throws {
        switch text.lowercased() {
        case "auto", "automatic": self = .automatic
        case "whole-frame", "whole", "none": self = .wholeFrame
        default:
            guard let n = Int(text), n >= 0 else {
                throw ForensicsError.invalidParameter("face '\(text)': expected auto, whole-frame or a face number (0, 1, …)")
            }
            self = .face(n)
        }
    }
}
