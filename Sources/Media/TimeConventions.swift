/// The time conventions every module shares, written once.
///
/// - Video frame `t` covers `[t·40 ms, (t+1)·40 ms)`.
/// - Log-mel frame `k` is centred at `k·10 ms`, so video frame `t` pairs with
///   mel frames `4t … 4t+3`.
/// - An offset is counted in video frames; positive means **audio leads video**.
public enum TimeConventions {
    /// Model video rate: every source is resampled to this many frames per second.
    public static let videoFPS = 25
    /// Model audio rate: every source is resampled to this many samples per second, mono.
    public static let audioSampleRate = 16_000
    /// Audio samples per video frame (640).
    public static let samplesPerVideoFrame = audioSampleRate / videoFPS
    /// Log-mel hop in samples (10 ms).
    public static let melHop = 160
    /// Log-mel frames per video frame (4).
    public static let melFramesPerVideoFrame = samplesPerVideoFrame / melHop
    /// Milliseconds per video frame (40).
    public static let millisecondsPerVideoFrame = 1000 / videoFPS

    /// Start time of video frame `t`, in seconds.
    public static func videoFrameStart(_ t: Int) -> Double { Double(t) / Double(videoFPS) }

    /// Converts an offset in video frames to milliseconds (positive = audio leads video).
    public static func milliseconds(fromFrames frames: Double) -> Double {
        frames * Double(millisecondsPerVideoFrame)
    }
}
