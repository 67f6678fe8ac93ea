/// A span of the analysis timeline, seconds from the container's start.
public struct TimeRange: Equatable, Sendable {
    public var startSeconds: Double
    /// nil means "to the end of the file".
    public var durationSeconds: Double?

    public init(startSeconds: Double = 0, durationSeconds: Double? = nil) {
        self.startSeconds = startSeconds
        self.durationSeconds = durationSeconds
    }

    /// The whole file.
    public static let whole = TimeRange()

    public var endSeconds: Double? { durationSeconds.map { startSeconds + $0 } }

    /// The 25 fps frame indices whose start lies in the range: `[ceil(start·25), ceil(end·25))`.
    var firstVideoFrame: Int { Int((startSeconds * Double(TimeConventions.videoFPS) - 1e-9).rounded(.up)) }
    var videoFrameEnd: Int? { endSeconds.map { Int(($0 * Double(TimeConventions.videoFPS) - 1e-9).rounded(.up)) } }

    /// The 16 kHz sample indices in the range.
    var firstSample: Int { Int((startSeconds * Double(TimeConventions.audioSampleRate)).rounded()) }
    var sampleEnd: Int? { endSeconds.map { Int(($0 * Double(TimeConventions.audioSampleRate)).rounded()) } }

    func validate() throws {
        guard startSeconds.isFinite, startSeconds >= 0 else {
            throw MediaError.invalidArgument("start \(startSeconds) s: must be a finite time ≥ 0")
        }
        if let durationSeconds {
            guard durationSeconds.isFinite, durationSeconds > 0 else {
                throw MediaError.invalidArgument("duration \(durationSeconds) s: must be a finite time > 0")
            }
        }
    }
}
