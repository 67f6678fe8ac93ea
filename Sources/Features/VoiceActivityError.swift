/// Why voice activity could not be detected.
public enum VoiceActivityError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is unusable; the string names it and says why.
    case invalidConfiguration(String)
    /// No mel band's centre lies in the configured speech band.
    case emptySpeechBand(ClosedRange<Double>)
    /// The log-mel has a different band count from the mel configuration given.
    case melBinsMismatch(expected: Int, actual: Int)
    /// The log-mel does not start on a video frame boundary (`firstFrame` must be a multiple of 4).
    case notVideoAligned(firstFrame: Int)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason):
            "voice activity: invalid configuration: \(reason)"
        case let .emptySpeechBand(band):
            "voice activity: no mel band is centred in \(band.lowerBound)–\(band.upperBound) Hz"
        case let .melBinsMismatch(expected, actual):
            "voice activity: log-mel has \(actual) bands, the mel configuration \(expected)"
        case let .notVideoAligned(firstFrame):
            "voice activity: log-mel starts at mel frame \(firstFrame), not a multiple of 4 (a video frame boundary)"
        }
    }
}
