/// What `syncdefense probe` reports about a file.
public struct MediaInfo: Codable, Sendable, Equatable {
    public var path: String
    public var fileBytes: Int64
    /// Demuxer short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    public var container: String
    public var containerLongName: String
    /// Container duration, seconds (nil when the container does not state it).
    public var durationSeconds: Double?
    /// Container start time, seconds: the origin of the analysis timeline.
    public var startSeconds: Double
    public var bitRate: Int64
    public var streamCount: Int
    public var video: VideoStreamInfo?
    public var audio: AudioStreamInfo?

    enum CodingKeys: String, CodingKey {
        case path
        case fileBytes = "file_bytes"
        case container
        case containerLongName = "container_long_name"
        case durationSeconds = "duration_seconds"
        case startSeconds = "start_seconds"
        case bitRate = "bit_rate"
        case streamCount = "stream_count"
        case video, audio
    }
}

/// The chosen video stream.
public struct VideoStreamInfo: Codable, Sendable, Equatable {
    public var index: Int
    public var codec: String
    /// Coded size.
    public var width: Int
    public var height: Int
    /// Size as displayed, after rotation.
    public var displayWidth: Int
    public var displayHeight: Int
    /// Clockwise rotation applied for display (0, 90, 180, 270), from the display matrix.
    public var rotationDegrees: Int
    public var pixelFormat: String
    /// The container's average frame rate (frames / duration), fps.
    public var averageFrameRate: Double?
    /// The frame rate measured from the first packets' timestamps (median interval), fps.
    public var measuredFrameRate: Double?
    /// True when the measured frame intervals differ by more than 10 % of their median
    /// (and more than two time-base ticks).
    public var variableFrameRate: Bool
    /// Smallest and largest measured frame interval, milliseconds.
    public var frameIntervalRangeMilliseconds: [Double]?
    public var frameCount: Int?
    public var durationSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case index, codec, width, height
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case rotationDegrees = "rotation_degrees"
        case pixelFormat = "pixel_format"
        case averageFrameRate = "average_frame_rate"
        case measuredFrameRate = "measured_frame_rate"
        case variableFrameRate = "variable_frame_rate"
        case frameIntervalRangeMilliseconds = "frame_interval_range_ms"
        case frameCount = "frame_count"
        case durationSeconds = "duration_seconds"
    }
}

/// The chosen audio stream.
public struct AudioStreamInfo: Codable, Sendable, Equatable {
    public var index: Int
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    public var channelLayout: String
    public var sampleFormat: String
    public var durationSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case index, codec
        case sampleRate = "sample_rate"
        case channels
        case channelLayout = "channel_layout"
        case sampleFormat = "sample_format"
        case durationSeconds = "duration_seconds"
    }
}
