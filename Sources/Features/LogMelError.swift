/// Why a spectrogram could not be computed.
public enum LogMelError: Error, Equatable, CustomStringConvertible {
    /// The signal has no samples; a spectrogram needs at least one (`T_a = 1 + N / hop`).
    case emptySignal
    /// The requested frames are not all inside `0..<frameCount` of the signal.
    case frameRangeOutOfBounds(requested: Range<Int>, frameCount: Int)
    /// A configuration value is unusable; the string names it and says why.
    case invalidConfiguration(String)
    /// Values and shape disagree: `values.count` must equal `bins · frames`.
    case shapeMismatch(bins: Int, frames: Int, valueCount: Int)
    /// FFTW returned no plan for this transform shape.
    case fftPlanFailed(size: Int, batch: Int)
    /// FFTW could not allocate its aligned work arrays.
    case outOfMemory

    public var description: String {
        switch self {
        case .emptySignal:
            "log-mel: the signal is empty (needs at least 1 sample)"
        case let .frameRangeOutOfBounds(requested, frameCount):
            "log-mel: frames \(requested.lowerBound)..<\(requested.upperBound) are outside 0..<\(frameCount)"
        case let .invalidConfiguration(reason):
            "log-mel: invalid configuration: \(reason)"
        case let .shapeMismatch(bins, frames, valueCount):
            "log-mel: \(valueCount) values do not fill shape (\(bins), \(frames))"
        case let .fftPlanFailed(size, batch):
            "log-mel: FFTW could not plan \(batch) real transforms of size \(size)"
        case .outOfMemory:
            "log-mel: FFTW could not allocate its work arrays"
        }
    }
}
