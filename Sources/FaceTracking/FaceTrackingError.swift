/// Why face detection or tracking could not run, in words an analyst can act on.
public enum FaceTrackingError: Error, Equatable, CustomStringConvertible {
    /// The cascade file is missing.
    case cascadeNotFound(searched: [String])
    /// The cascade file is not a usable OpenCV HAAR cascade.
    case malformedCascade(String)

    public var description: String {
        switch self {
        case .cascadeNotFound(let searched):
            return "no face detector cascade found (looked for \(searched.joined(separator: ", "))); install Debian's opencv-data package (scripts/install-deps.sh does) or pass --face-cascade FILE"
        case .malformedCascade(let detail):
            return "the face detector cascade is not a usable OpenCV HAAR cascade: \(detail)"
        }
    }
}
