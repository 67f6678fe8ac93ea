/// Everything that can go wrong reading or writing media, each with a one-line
/// message that says what was wrong and what to do.
public enum MediaError: Error, Equatable, CustomStringConvertible, Sendable {
    case fileNotFound(path: String)
    case notARegularFile(path: String)
    case emptyFile(path: String)
    case unreadableContainer(path: String, reason: String)
    case noVideoStream(path: String)
    case noAudioStream(path: String)
    case noDecoder(codec: String)
    case noEncoder(codec: String)
    case ffmpeg(operation: String, code: Int32, message: String)
    case limitExceeded(what: String, value: String, limit: String, flag: String)
    case regionOutsideFrame(region: RegionOfInterest, frameWidth: Int, frameHeight: Int)
    case noFramesDecoded(path: String, stream: String)
    case timedOut(operation: String, seconds: Double)
    case invalidArgument(String)
    case writerState(String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file; check the path"
        case .notARegularFile(let path):
            return "\(path): is a directory or special file, not a media file; pass a video file"
        case .emptyFile(let path):
            return "\(path): file is empty (0 bytes); the copy or download is incomplete"
        case .unreadableContainer(let path, let reason):
            return "\(path): not a readable media file (\(reason)); the file is corrupt, truncated or not audio/video"
        case .noVideoStream(let path):
            return "\(path): has no decodable video stream; SyncDefense needs a video with the speaker's face"
        case .noAudioStream(let path):
            return "\(path): has no decodable audio stream; lip-sync analysis needs the soundtrack"
        case .noDecoder(let codec):
            return "no decoder for codec '\(codec)' in this FFmpeg build; re-encode the file to H.264/AAC"
        case .noEncoder(let codec):
            return "no encoder for codec '\(codec)' in this FFmpeg build; install Debian's ffmpeg libraries (scripts/install-deps.sh)"
        case .ffmpeg(let operation, let code, let message):
            return "\(operation) failed: \(message) (FFmpeg error \(code))"
        case .limitExceeded(let what, let value, let limit, let flag):
            return "\(what) \(value) exceeds the limit \(limit); raise it with \(flag) if the file is trusted"
        case .regionOutsideFrame(let region, let width, let height):
            return "region \(region) is not inside the \(width)×\(height) frame; give --roi x,y,w,h within the displayed frame"
        case .noFramesDecoded(let path, let stream):
            return "\(path): no \(stream) could be decoded; the stream is empty or corrupt"
        case .timedOut(let operation, let seconds):
            return "\(operation) made no progress for \(Int(seconds)) s; the file or its source is stalled or hostile"
        case .invalidArgument(let message):
            return message
        case .writerState(let message):
            return "media writer: \(message)"
        }
    }
}
